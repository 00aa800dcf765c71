// SPDX-License-Identifier: Apache-2.0
// Runs the Khronos glTF-Validator (npm gltf-validator) over glTF files and
// prints one JSON line per file: {"file", "errors", "warnings", "codes"}.
// External buffers and images are read from the file's folder, as a viewer
// would; a URI that cannot be read is the validator's IO_ERROR.
//   node validate.js FILE...
'use strict';
const fs = require('fs');
const path = require('path');
const validator = require('gltf-validator');

async function validate(file) {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const report = await validator.validateBytes(bytes, {
        uri: path.basename(file),
        maxIssues: 0,
        externalResourceFunction: (uri) => new Promise((resolve, reject) => {
            const p = path.resolve(path.dirname(file), decodeURIComponent(uri));
            fs.readFile(p, (err, data) => err ? reject(err.toString()) : resolve(new Uint8Array(data)));
        }),
    });
    const codes = {};
    for (const m of report.issues.messages)
        if (m.severity <= 1)
            codes[m.code] = (codes[m.code] || 0) + 1;
    return {file, errors: report.issues.numErrors, warnings: report.issues.numWarnings, codes,
            first: report.issues.messages.slice(0, 3).map((m) => `${m.code} ${m.pointer || ''}: ${m.message}`)};
}

(async () => {
    let failed = false;
    for (const file of process.argv.slice(2)) {
        try {
            console.log(JSON.stringify(await validate(file)));
        } catch (e) {
            // A file the validator cannot even parse is reported as one error.
            console.log(JSON.stringify({file, errors: 1, warnings: 0, codes: {EXCEPTION: 1},
                                        first: [String(e)]}));
            failed = true;
        }
    }
    process.exitCode = failed ? 2 : 0;
})();
