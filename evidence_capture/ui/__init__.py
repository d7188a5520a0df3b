"""What the ``evidence`` command line shows people: text lines and progress bars.

Nothing here prints or exits.  Functions take a :class:`~evidence_capture.ui.text.Text`
(the message catalog in one language) and a library result, and return lines;
the commands (``commands/``) echo them.  A line of type :class:`~evidence_capture.ui.text.Err`
belongs on stderr.
"""
