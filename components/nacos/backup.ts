/**
 * Nacos backups, with embedded storage only: the configurations of each listed namespace, exported on a
 * schedule through Nacos 3.0's admin API (`GET /nacos/v3/admin/cs/config/export`, a zip per namespace:
 * ConfigControllerV3.exportConfig at 3.0.1) after logging in as the `nacos` administrator
 * (`POST /nacos/v3/auth/user/login`, UserControllerV3.login: answers `accessToken`). With MySQL, the data is
 * the database's: back it up with the database's own tooling. Service registrations are not backed up:
 * clients re-register on their own.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    BACKUP_OF_LABEL,
    BACKUP_SCHEDULE_KEYS,
    BackupScheduleArgs,
    BackupStorageArgs,
    validateBackupSchedule,
    validateBackupStorage,
} from "../lib/backup";
import { BACKUP_IMAGES, BACKUP_WORKDIR, createBackupCronJob } from "../lib/backup-cronjob";
import { ArgProblem, checkGroup } from "../lib/validation";

/** Scheduled exports of the configurations of a Nacos cluster on embedded storage. */
export interface NacosBackupArgs extends BackupScheduleArgs {
    /** Where the exports go, as `<prefix>/<UTC timestamp>-nacos-configs.tar` (a zip per namespace inside). */
    storage: BackupStorageArgs;
    /**
     * Ids of the namespaces whose configurations are exported ("public" is Nacos's default namespace).
     * @default ["public"]
     */
    namespaces?: string[];
}

/** Defaults of {@link NacosBackupArgs}. */
export const NACOS_BACKUP_DEFAULTS = { namespaces: ["public"] } as const;

/** The admin API paths the export uses (Nacos 3.0.1). */
export const NACOS_EXPORT_API = { login: "/nacos/v3/auth/user/login", export: "/nacos/v3/admin/cs/config/export" } as const;

/** File name of an export. */
export const NACOS_EXPORT_FILE = "nacos-configs.tar";

const NAMESPACE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Adds every problem with the `backup` argument of a Nacos component (`mysql` says whether MySQL holds the data). */
export function validateNacosBackupArgs(problems: ArgProblem[], backup: unknown, mysql: boolean): void {
    if (!checkGroup(problems, "backup", backup, ["storage", "namespaces", ...BACKUP_SCHEDULE_KEYS])) return;
    if (mysql) {
        problems.push({
            path: "backup",
            value: "(set)",
            allowed:
                "nothing while mysql is set: the configurations live in MySQL, so back the database up with its own tooling (see docs/backup.md)",
        });
        return;
    }
    validateBackupStorage(problems, "backup.storage", backup.storage);
    validateBackupSchedule(problems, "backup", backup);
    const namespaces = backup.namespaces;
    if (
        namespaces !== undefined &&
        (!Array.isArray(namespaces) || namespaces.length === 0 || namespaces.some((n) => typeof n !== "string" || !NAMESPACE_ID.test(n)))
    ) {
        problems.push({
            path: "backup.namespaces",
            value: namespaces,
            allowed: 'a non-empty list of namespace ids such as ["public"] (letters, digits, "_" and "-")',
        });
    }
}

/**
 * The export script (curl image): log in as `nacos` with the password from `$NACOS_PASSWORD` (sent on
 * stdin, never on a command line), download each namespace's zip, then pack them into one tar.
 */
export function renderNacosExportScript(baseUrl: string, namespaces: readonly string[], dir: string = BACKUP_WORKDIR): string {
    return [
        "set -eu",
        `base='${baseUrl}'`,
        `answer=$(printf '%s' "$NACOS_PASSWORD" | curl -fsS --max-time 30 --data-urlencode 'username=nacos' --data-urlencode 'password@-' "$base${NACOS_EXPORT_API.login}")`,
        `token=$(printf '%s' "$answer" | sed -n 's/.*"accessToken":"\\([^"]*\\)".*/\\1/p')`,
        'if [ -z "$token" ]; then echo "login as nacos failed: no accessToken in the answer" >&2; exit 1; fi',
        `mkdir -p ${dir}/nacos-configs`,
        `for ns in ${namespaces.join(" ")}; do`,
        `  curl -fsS --max-time 300 -G --data-urlencode "accessToken=$token" --data-urlencode "namespaceId=$ns" --data-urlencode 'ids=' "$base${NACOS_EXPORT_API.export}" -o "${dir}/nacos-configs/$ns.zip"`,
        `  echo "exported namespace $ns: $(wc -c < "${dir}/nacos-configs/$ns.zip") bytes"`,
        "done",
        `tar -cf ${dir}/${NACOS_EXPORT_FILE} -C ${dir} nacos-configs`,
    ].join("\n");
}

/** Labels of the export pods, for the NetworkPolicy rule that admits them to the HTTP port. */
export function nacosBackupPodLabels(name: string): Record<string, string> {
    return { [BACKUP_OF_LABEL]: name, "app.kubernetes.io/component": "backup" };
}

/** Creates the credentials Secret and the CronJob `<name>-backup` that exports the configurations. */
export function createNacosBackup(
    name: string,
    namespace: string,
    baseUrl: string,
    authSecret: string,
    args: NacosBackupArgs,
    opts: pulumi.CustomResourceOptions,
    secretOpts: pulumi.CustomResourceOptions,
): k8s.batch.v1.CronJob {
    return createBackupCronJob(
        name,
        namespace,
        args,
        {
            image: BACKUP_IMAGES.http,
            script: renderNacosExportScript(baseUrl, args.namespaces ?? NACOS_BACKUP_DEFAULTS.namespaces),
            env: [{ name: "NACOS_PASSWORD", valueFrom: { secretKeyRef: { name: authSecret, key: "admin-password" } } }],
            file: NACOS_EXPORT_FILE,
        },
        opts,
        secretOpts,
    );
}
