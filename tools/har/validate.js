// Validate HAR files against the HAR 1.2 schema with npm's har-validator.
// Usage: node validate.js FILE...   Prints one JSON line per file; exit 1 if any is invalid.
'use strict'
const fs = require('fs')
const validator = require('har-validator')

async function check (file) {
  try {
    await validator.har(JSON.parse(fs.readFileSync(file, 'utf8')))
    return { file, valid: true, errors: [] }
  } catch (err) {
    const errors = (err.errors || [{ message: String(err) }])
      .map(e => `${e.dataPath || ''} ${e.message}`.trim())
    return { file, valid: false, errors }
  }
}

(async () => {
  let bad = 0
  for (const file of process.argv.slice(2)) {
    const result = await check(file)
    if (!result.valid) bad += 1
    console.log(JSON.stringify(result))
  }
  process.exit(bad ? 1 : 0)
})()
