// What `evidence sources` does for one DuckDB source before it writes Parquet: Evidence's SDK
// (wrapSimpleConnector) calls the driver's getRunner(options, sourceDir) and runs each .sql file
// of the source directory through it. Reads {driverDir, sourceDir, options} as JSON on stdin and
// prints {file: {columnTypes, rows, expectedRowCount} | {error}} as JSON.
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const readStdin = () => fs.readFileSync(0, 'utf-8');

(async () => {
	const { driverDir, sourceDir, options } = JSON.parse(readStdin());
	const driver = createRequire(path.join(driverDir, 'package.json'))('@evidence-dev/duckdb');
	const runner = await driver.getRunner(options, sourceDir);
	const out = {};
	for (const file of fs.readdirSync(sourceDir).sort()) {
		if (!file.endsWith('.sql')) continue;
		const queryPath = path.join(sourceDir, file);
		try {
			const result = await runner(fs.readFileSync(queryPath, 'utf-8'), queryPath, 10000);
			const rows = [];
			for await (const batch of result.rows()) rows.push(...batch);
			out[file] = {
				columnTypes: result.columnTypes,
				rows,
				expectedRowCount: result.expectedRowCount
			};
		} catch (error) {
			out[file] = { error: String(error && error.message ? error.message : error) };
		}
	}
	process.stdout.write(JSON.stringify(out) + '\n');
})().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
	process.exit(1);
});
