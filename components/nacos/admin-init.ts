/** The Job script that claims Nacos 3.0's administrator with the component's password. */

/** The Nacos 3.0 API that creates the `nacos` administrator while none exists (`UserControllerV3.createAdminUser`). */
export const NACOS_ADMIN_API = { method: "POST", path: "/nacos/v3/auth/user/admin", param: "password" } as const;

/** Where the admin-init Job mounts the admin password (a file, so that it never appears on a command line). */
const ADMIN_PASSWORD_FILE = "/etc/nacos-admin/password";

/**
 * The admin-init Job's script: wait until the client Service answers the readiness probe, then call
 * {@link NACOS_ADMIN_API} with the password read from a file. Nacos answers `"code":0` when it created the
 * admin and `"code":409` when an admin exists already (a re-run, or an admin made by hand): both succeed.
 * The answer is never printed as is: on success it carries the password.
 * @param baseUrl For example `http://nacos.cfg.svc.cluster.local:8848`.
 */
export function renderNacosAdminInitScript(baseUrl: string, passwordFile = ADMIN_PASSWORD_FILE, attempts = 120, sleepSeconds = 5): string {
    return [
        "set -eu",
        `base='${baseUrl}'`,
        "i=0",
        `until curl -fsS -o /dev/null --max-time 5 "$base/nacos/v3/admin/core/state/readiness"; do`,
        "  i=$((i + 1))",
        `  if [ "$i" -ge ${attempts} ]; then echo "Nacos at $base did not become ready" >&2; exit 1; fi`,
        `  sleep ${sleepSeconds}`,
        "done",
        // --data-urlencode name@file sends name=<the file, URL-encoded> as an x-www-form-urlencoded POST body.
        `answer=$(curl -sS --max-time 30 --data-urlencode '${NACOS_ADMIN_API.param}@${passwordFile}' "$base${NACOS_ADMIN_API.path}")`,
        'case "$answer" in',
        `  *'"code":0'[,}]*) echo "created the nacos administrator" ;;`,
        `  *'"code":409'[,}]*) echo "an administrator exists already: left unchanged" ;;`,
        `  *) echo "unexpected answer from ${NACOS_ADMIN_API.method} ${NACOS_ADMIN_API.path}: $(printf '%s' "$answer" | sed 's/"password":"[^"]*"/"password":"(redacted)"/g')" >&2; exit 1 ;;`,
        "esac",
        "",
    ].join("\n");
}
