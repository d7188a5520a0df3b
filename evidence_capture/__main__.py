from evidence_capture.cli import main

main()
