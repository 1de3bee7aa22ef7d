/** The shared backup argument checks: cron schedules and the storage group. */
import * as assert from "assert";
import { checkCron, validateBackupStorage } from "../components/lib/backup";
import { ArgProblem } from "../components/lib/validation";

const problemsOf = (check: (p: ArgProblem[]) => void): string[] => {
    const problems: ArgProblem[] = [];
    check(problems);
    return problems.map((p) => `${p.path}: ${p.allowed}`);
};

describe("backup arguments", () => {
    it("accepts five-field cron schedules with lists, ranges and steps, and the macros", () => {
        for (const s of ["0 2 * * *", "*/15 * * * *", "0 1-5 * * 1,3", "30 2 1 */2 *", "@daily", "@hourly"]) {
            assert.deepStrictEqual(
                problemsOf((p) => checkCron(p, "backup.schedule", s)),
                [],
                s,
            );
        }
    });

    it("refuses a schedule with the wrong number of fields, words, or a non-string", () => {
        for (const s of ["0 2 * *", "0 2 * * * *", "daily", "0 two * * *", "", 5]) {
            assert.deepStrictEqual(
                problemsOf((p) => checkCron(p, "backup.schedule", s)),
                ['backup.schedule: a cron schedule of five fields such as "0 2 * * *" (daily at 02:00), or "@daily"'],
                String(s),
            );
        }
    });

    it("requires the endpoint, bucket and both credentials, and names unknown keys", () => {
        assert.deepStrictEqual(
            problemsOf((p) => validateBackupStorage(p, "backup.storage", { bucket: "ab", accesKeyId: "x" })),
            [
                "backup.storage.accesKeyId: one of the keys endpoint, bucket, prefix, region, forcePathStyle, accessKeyId, secretAccessKey",
                'backup.storage.endpoint: an http(s) URL of the S3 API, such as "https://s3.eu-west-1.amazonaws.com"',
                'backup.storage.bucket: an S3 bucket name: 3 to 63 lower-case letters, digits, "." and "-"',
                "backup.storage.accessKeyId: an access key id (a secret)",
                "backup.storage.secretAccessKey: a secret access key (a secret)",
            ],
        );
        assert.deepStrictEqual(
            problemsOf((p) => validateBackupStorage(p, "backup.storage", undefined, false)),
            [],
        );
        assert.deepStrictEqual(
            problemsOf((p) =>
                validateBackupStorage(p, "backup.storage", {
                    endpoint: "http://minio:9000",
                    bucket: "dr.backups-1",
                    accessKeyId: "a",
                    secretAccessKey: "b",
                    prefix: "prod/tidb",
                }),
            ),
            [],
        );
    });
});
