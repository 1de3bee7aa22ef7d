/** Runs backup scripts on this machine against stand-ins: a stub `aws` that records its calls, a local HTTP server. */
import { execFile } from "child_process";
import * as fs from "fs";
import { createServer, IncomingMessage } from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";

/** The outcome of a script run. */
export interface ScriptRun {
    /** Exit status (0 on success). */
    code: number;
    /** Standard output. */
    stdout: string;
    /** Standard error. */
    stderr: string;
    /** Each call of the stub `aws`, its arguments joined by spaces. */
    awsCalls: string[];
}

/**
 * Runs `script` with `sh -c` and a stub `aws` first on the PATH. The stub records its arguments, prints
 * `listing` for `s3api list-objects-v2`, and fails `s3 cp` when `failCopy` is set.
 */
export async function runWithStubAws(script: string, env: Record<string, string>, listing = "None", failCopy = false): Promise<ScriptRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stub-aws-"));
    const log = path.join(dir, "calls");
    fs.writeFileSync(
        path.join(dir, "aws"),
        [
            "#!/bin/sh",
            `echo "$*" >> ${log}`,
            `if [ "$1 $2" = "s3api list-objects-v2" ]; then printf '%s\\n' '${listing}'; fi`,
            failCopy ? 'if [ "$1 $2" = "s3 cp" ]; then echo "upload failed" >&2; exit 1; fi' : "",
            "exit 0",
        ].join("\n"),
        { mode: 0o755 },
    );
    try {
        return await new Promise((done) =>
            execFile("sh", ["-c", script], { env: { ...process.env, ...env, PATH: `${dir}:${process.env.PATH}` } }, (err, stdout, stderr) =>
                done({
                    code: err === null ? 0 : ((err as { code?: number }).code ?? -1),
                    stdout,
                    stderr,
                    awsCalls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [],
                }),
            ),
        );
    } finally {
        fs.rmSync(dir, { recursive: true });
    }
}

/** A request a stand-in HTTP server saw. */
export interface SeenRequest {
    /** Method. */
    method: string;
    /** Path and query. */
    url: string;
    /** Authorization header. */
    authorization?: string;
    /** Body. */
    body: string;
}

/** Starts a loopback HTTP server answering with `answer`; returns its URL, what it saw and a stop function. */
export async function standInServer(
    answer: (req: IncomingMessage, body: string) => { status: number; body: string },
): Promise<{ url: string; seen: SeenRequest[]; stop: () => void }> {
    const seen: SeenRequest[] = [];
    const server = createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body });
            const a = answer(req, body);
            res.statusCode = a.status;
            res.setHeader("content-type", "application/json");
            res.end(a.body);
        });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, stop: () => server.close() };
}
