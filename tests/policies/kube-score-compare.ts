/**
 * Side by side with kube-score: renders every corpus program to YAML (the objects it registers, as
 * `kubectl apply` would receive them), runs kube-score v1.20.0 over each and the policy pack over the
 * same registrations, and writes docs/policies.md. Exits non-zero when kube-score catches a stateful
 * mistake (one of STATEFUL_CHECKS) that the pack does not report.
 *
 *   bash scripts/toolchain.sh kube-score && node_modules/.bin/ts-node --transpile-only tests/policies/kube-score-compare.ts
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import * as prettier from "prettier";
import { PRODUCTION_POLICIES, programResources, runPack, Violation } from "../helpers/policy";
import { CORPUS, CorpusCase } from "./corpus";

const REPO = path.join(__dirname, "..", "..");
const KUBE_VERSION = "v1.34";

/** kube-score checks about the things this pack exists for (peer discovery, disruption, spreading, autoscaling). */
const STATEFUL_CHECKS = [
    "statefulset-has-servicename",
    "statefulset-has-poddisruptionbudget",
    "statefulset-has-host-podantiaffinity",
    "statefulset-pod-selector-labels-match-template-metadata-labels",
    "poddisruptionbudget-has-policy",
    "horizontalpodautoscaler-has-target",
    "horizontalpodautoscaler-replicas",
    "pod-probes-identical",
];

/** One kube-score finding graded critical (1) or warning (5). */
interface Finding {
    /** Check id. */
    check: string;
    /** Grade. */
    grade: number;
    /** The object it is about (from the rendered objects). */
    object: Record<string, any> | undefined;
}

/** kube-score's findings on one program: check ids graded critical (1) and warning (5), and each finding. */
interface Score {
    critical: Set<string>;
    warning: Set<string>;
    findings: Finding[];
}

/**
 * Why the pack deliberately stays silent on a stateful kube-score finding, or undefined when it has no
 * reason to (a miss of the pack).
 */
function byDesign(f: Finding, objects: Record<string, any>[]): string | undefined {
    const o = f.object ?? {};
    if (f.check.startsWith("horizontalpodautoscaler-")) {
        const ref = o.spec?.scaleTargetRef ?? {};
        if (ref.kind === "StatefulSet") return undefined;
        if (f.check === "horizontalpodautoscaler-has-target" && !/^(apps\/|v1$)/.test(ref.apiVersion ?? ""))
            return `the target is a ${ref.kind} custom resource, which kube-score does not read; it is in the program`;
        return `the target is a ${ref.kind}: stateless targets are out of the pack's scope (a minimum of 1 is fine there)`;
    }
    const unsetAndUnscaled =
        o.kind === "StatefulSet" &&
        o.spec?.replicas === undefined &&
        !objects.some((x) => x.kind === "HorizontalPodAutoscaler" && x.spec?.scaleTargetRef?.name === o.metadata?.name);
    if (["statefulset-has-poddisruptionbudget", "statefulset-has-host-podantiaffinity"].includes(f.check) && unsetAndUnscaled)
        return "replicas is unset and nothing scales it: Kubernetes runs one member, kube-score assumes several";
    if (f.check === "statefulset-has-host-podantiaffinity" && (o.spec?.template?.spec?.topologySpreadConstraints ?? []).length > 0)
        return "members are spread with topologySpreadConstraints, which the pack accepts as spreading";
    if (f.check === "pod-probes-identical" && o.metadata?.annotations?.["stateful-k8s.io/data"] === "none")
        return "the StatefulSet declares that it keeps no data: restarting a busy member loses nothing";
    return undefined;
}

function kubeScore(bin: string, objects: Record<string, any>[]): Score {
    const score: Score = { critical: new Set(), warning: new Set(), findings: [] };
    if (objects.length === 0) return score;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "corpus-")), "objects.yaml");
    fs.writeFileSync(file, objects.map((o) => yaml.dump(o, { noRefs: true })).join("---\n"));
    let out: string;
    try {
        out = execFileSync(bin, ["score", "--output-format", "json", "--kubernetes-version", KUBE_VERSION, file], { encoding: "utf8" });
    } catch (err) {
        // Exit code 1 means "critical findings"; the JSON is on stdout either way.
        out = (err as { stdout?: string }).stdout ?? "";
        if (out === "") throw err;
    }
    fs.rmSync(path.dirname(file), { recursive: true });
    const results = JSON.parse(out) as {
        type_meta: { kind: string };
        object_meta: { name: string; namespace?: string };
        checks: { check: { id: string }; grade: number; skipped: boolean }[];
    }[];
    for (const o of results ?? []) {
        const object = objects.find(
            (x) =>
                x.kind === o.type_meta.kind &&
                x.metadata?.name === o.object_meta.name &&
                (x.metadata?.namespace ?? "") === (o.object_meta.namespace ?? ""),
        );
        for (const c of o.checks) {
            if (c.skipped || (c.grade !== 1 && c.grade !== 5)) continue;
            (c.grade === 1 ? score.critical : score.warning).add(c.check.id);
            score.findings.push({ check: c.check.id, grade: c.grade, object });
        }
    }
    return score;
}

interface Row {
    c: CorpusCase;
    violations: Violation[];
    objects: Record<string, any>[];
    score: Score;
    /** kube-score findings not raised on the complete Postgres program (what the case's change introduced). */
    added: Score;
}

function packCell(violations: Violation[], level: "mandatory" | "advisory"): string {
    const names = [...new Set(violations.filter((v) => v.level === level).map((v) => v.policy))];
    return names.length === 0 ? "-" : names.map((n) => `\`${n}\``).join(", ");
}

function scoreCell(ids: Set<string>): string {
    return ids.size === 0
        ? "-"
        : [...ids]
              .sort()
              .map((n) => `\`${n}\``)
              .join(", ");
}

async function main(): Promise<void> {
    const bin = execFileSync("bash", [path.join(REPO, "scripts", "toolchain.sh"), "kube-score"], { encoding: "utf8" })
        .trim()
        .split("\n")
        .pop()!;
    const kubeScoreBin = path.join(bin, "kube-score");
    const version = /v[0-9.]+/.exec(execFileSync(kubeScoreBin, ["version"], { encoding: "utf8" }))?.[0] ?? "unknown version";
    const rows: Row[] = [];
    for (const c of CORPUS) {
        const resources = await programResources(c.build);
        const violations = (await runPack(resources, c.config)).filter(
            (v) => !PRODUCTION_POLICIES.includes(v.policy) || v.level === "mandatory",
        );
        const objects = resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.props as Record<string, any>);
        rows.push({
            c,
            violations,
            objects,
            score: kubeScore(kubeScoreBin, objects),
            added: { critical: new Set(), warning: new Set(), findings: [] },
        });
    }
    const base = rows.find((r) => r.c.id === "postgres-complete")!.score;
    for (const r of rows) {
        r.added.critical = new Set([...r.score.critical].filter((id) => !base.critical.has(id)));
        r.added.warning = new Set([...r.score.warning].filter((id) => !base.warning.has(id) && !base.critical.has(id)));
    }

    const valid = rows.filter((r) => r.c.expect === undefined);
    const broken = rows.filter((r) => r.c.expect !== undefined);
    const packCaught = broken.filter((r) => r.violations.some((v) => v.policy === r.c.expect!.policy));
    const scoreCaught = broken.filter((r) => r.added.critical.size + r.added.warning.size > 0);
    const scoreCaughtCritical = broken.filter((r) => r.added.critical.size > 0);
    const validMandatory = valid.filter((r) => r.violations.some((v) => v.level === "mandatory"));
    const validCritical = valid.filter((r) => r.score.critical.size > 0);
    // Stateful kube-score findings on programs where the pack reports nothing at all (mandatory or advisory).
    const silent = rows.flatMap((r) =>
        r.violations.length > 0
            ? []
            : r.score.findings
                  .filter((f) => STATEFUL_CHECKS.includes(f.check))
                  .sort((a, b) => a.check.localeCompare(b.check))
                  .map((f) => ({ r, f, reason: byDesign(f, r.objects) })),
    );
    const missed = silent.filter((x) => x.reason === undefined).map((x) => x.r);

    const lines: string[] = [];
    lines.push(
        "# The policy pack side by side with kube-score",
        "",
        `Generated by \`tests/policies/kube-score-compare.ts\` (kube-score ${version}, \`--kubernetes-version ${KUBE_VERSION}\`) from the corpus in`,
        "`tests/policies/corpus.ts`; do not edit by hand. Regenerate with:",
        "",
        "```sh",
        "bash scripts/toolchain.sh kube-score && node_modules/.bin/ts-node --transpile-only tests/policies/kube-score-compare.ts",
        "```",
        "",
        "Each program is registered under Pulumi's mock runtime; the pack sees the registrations (with their `protect` and",
        "`ignoreChanges` options), kube-score sees the same objects as YAML (it cannot see Pulumi options, and it skips",
        "custom resources such as Strimzi's and tidb-operator's). \"Added\" kube-score findings are those the complete",
        "Postgres program (`postgres-complete`) does not already draw, i.e. what the case's change introduced; kube-score",
        "draws several findings on every pod template (ephemeral-storage requests, CPU limits, read-only root file system,",
        "user ID below 10000, `imagePullPolicy: Always`, egress NetworkPolicy) that are not about stateful workloads.",
        "",
        "## Summary",
        "",
        `- Broken programs: ${broken.length}; caught by the intended pack policy: ${packCaught.length}; with any added kube-score finding: ${scoreCaught.length} (critical: ${scoreCaughtCritical.length}).`,
        `- Valid programs: ${valid.length}; with a mandatory pack violation: ${validMandatory.length}; with a kube-score critical: ${validCritical.length}.`,
        `- Programs where kube-score reports a stateful check (${STATEFUL_CHECKS.map((c) => `\`${c}\``).join(", ")}) and the pack reports nothing, with no reason below: ${missed.length === 0 ? "none" : missed.map((r) => `\`${r.c.id}\``).join(", ")}.`,
        "",
        "## Where kube-score reports a stateful check and the pack, by design, does not",
        "",
        "| case | kube-score check | object | why the pack stays silent |",
        "| ---- | ---------------- | ------ | ------------------------- |",
        ...silent.map(
            (x) =>
                `| \`${x.r.c.id}\` | \`${x.f.check}\` (${x.f.grade === 1 ? "critical" : "warning"}) | ${x.f.object?.kind ?? "?"} ${x.f.object?.metadata?.name ?? "?"} | ${x.reason ?? "**none: a miss of the pack**"} |`,
        ),
        "",
        "## Broken programs",
        "",
        "| case | mistake | intended policy | pack: mandatory | pack: advisory | kube-score: added critical | kube-score: added warning |",
        "| ---- | ------- | --------------- | --------------- | -------------- | -------------------------- | ------------------------- |",
    );
    for (const r of broken) {
        lines.push(
            `| \`${r.c.id}\` | ${r.c.what} | \`${r.c.expect!.policy}\` | ${packCell(r.violations, "mandatory")} | ${packCell(r.violations, "advisory")} | ${scoreCell(r.added.critical)} | ${scoreCell(r.added.warning)} |`,
        );
    }
    lines.push(
        "",
        "## Valid programs",
        "",
        "| case | program | pack: mandatory | pack: advisory | kube-score: critical | kube-score: warning |",
        "| ---- | ------- | --------------- | -------------- | -------------------- | ------------------- |",
    );
    for (const r of valid) {
        lines.push(
            `| \`${r.c.id}\` | ${r.c.what} | ${packCell(r.violations, "mandatory")} | ${packCell(r.violations, "advisory")} | ${scoreCell(r.score.critical)} | ${scoreCell(r.score.warning)} |`,
        );
    }
    lines.push("");
    fs.mkdirSync(path.join(REPO, "docs"), { recursive: true });
    const target = path.join(REPO, "docs", "policies.md");
    const options = (await prettier.resolveConfig(target)) ?? {};
    fs.writeFileSync(target, await prettier.format(lines.join("\n"), { ...options, filepath: target }));
    console.log(lines.slice(lines.indexOf("## Summary"), lines.indexOf("## Broken programs")).join("\n"));
    if (missed.length > 0 || validMandatory.length > 0 || packCaught.length !== broken.length) process.exitCode = 1;
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
