/**
 * Backups: every system that keeps data has something in the stack that backs it up on a schedule. A
 * protected volume survives `pulumi destroy`, not a deleted namespace, a lost disk or a bad migration.
 */
import { PolicyResource } from "@pulumi/policy";
import { EXTERNAL_BACKUP_ANNOTATION } from "../components/lib/contract";
import { statefulPolicy } from "./lib/define";
import {
    BACKUP_ANNOTATION,
    BACKUP_OF_LABEL,
    describeObject,
    holdsData,
    known,
    plainCopy,
    metadataOf,
    namespaceOf,
    nameOf,
    ofKind,
} from "./lib/k8s";

/** Config of {@link backupSchedule}. */
export interface BackupScheduleConfig {
    /** `<namespace>/<name>` of data stores this stack knowingly leaves without a backup in the stack. */
    exempt: string[];
}

/** Defaults of {@link BackupScheduleConfig}: no exemptions. */
export const BACKUP_SCHEDULE_DEFAULTS: BackupScheduleConfig = { exempt: [] };

/** Namespace and name of a resource, `<namespace>/<name>`; undefined while either is unknown. */
function keyOf(r: PolicyResource): string | undefined {
    return known(() => `${namespaceOf(r.props)}/${metadataOf(r.props).name ?? r.name}`);
}

/** `<namespace>/<value of the backup-of label>` of every backup object (CronJob or KafkaMirrorMaker2) that carries the label. */
function labelledBackups(resources: PolicyResource[]): Set<string> {
    const out = new Set<string>();
    for (const r of [...ofKind(resources, "cronJob"), ...ofKind(resources, "kafkaMirrorMaker2")]) {
        const key = known(() => {
            const of = metadataOf(r.props).labels?.[BACKUP_OF_LABEL];
            return of === undefined ? undefined : `${namespaceOf(r.props)}/${of}`;
        });
        if (key !== undefined) out.add(key);
    }
    return out;
}

/** True when a KafkaMirrorMaker2 mirrors from Kafka `name` (its bootstrap Service `<name>-kafka-bootstrap`). */
function mirrored(resources: PolicyResource[], name: string): boolean {
    return ofKind(resources, "kafkaMirrorMaker2").some(
        (mm2) =>
            known(() =>
                plainCopy<{ source?: { bootstrapServers?: string } }[]>(mm2.props.spec?.mirrors ?? []).some((m) =>
                    (m.source?.bootstrapServers ?? "").split(",").some((s) => s.trim().startsWith(`${name}-kafka-bootstrap`)),
                ),
            ) === true,
    );
}

/** True when a BackupSchedule (tidb-operator) backs up TiDB cluster `name` in `namespace`. */
function scheduled(resources: PolicyResource[], namespace: string, name: string): boolean {
    return ofKind(resources, "backupSchedule").some(
        (bs) =>
            known(() => {
                const br = bs.props.spec?.backupTemplate?.br ?? bs.props.spec?.br;
                return br?.cluster === name && (br?.clusterNamespace ?? namespaceOf(bs.props)) === namespace;
            }) === true,
    );
}

/** Policy: production data is backed up on a schedule. */
export const backupSchedule = statefulPolicy({
    name: "backup-schedule",
    description: `A system that keeps data has a backup in the stack: a StatefulSet with claims (not annotated ${BACKUP_ANNOTATION}: external) has a CronJob labelled ${BACKUP_OF_LABEL}: <its name> in its namespace; a Strimzi Kafka has such a CronJob or a KafkaMirrorMaker2 that mirrors it (labelled, or reading <name>-kafka-bootstrap); a tidb-operator TiKVGroup's cluster has such a CronJob or a BackupSchedule. Advisory by default; policies/production.json makes it mandatory. Fix: set the component's backup (stack config <system>.backup, or kafka.mirror; see docs/backup.md), or list the store in this policy's exempt config.`,
    enforcementLevel: "advisory",
    protectsAgainst:
        "a data store with nothing in the stack that backs it up: a StatefulSet with claims (unless annotated `stateful-k8s.io/backup: external`) without a CronJob labelled `stateful-k8s.io/backup-of: <name>`, a Kafka without one or a KafkaMirrorMaker2 reading it, a TiDB cluster without one or a BackupSchedule; mandatory in `production.json` (see [docs/backup.md](docs/backup.md))",
    config: BACKUP_SCHEDULE_DEFAULTS,
    validateStack: (args, report, cfg) => {
        const backed = labelledBackups(args.resources);
        const check = (
            r: PolicyResource,
            kind: string,
            key: string | undefined,
            covered: (ns: string, name: string) => boolean,
            fix: string,
        ) => {
            if (key === undefined || backed.has(key) || cfg.exempt.includes(key)) return;
            const [ns, name] = [key.slice(0, key.indexOf("/")), key.slice(key.indexOf("/") + 1)];
            if (covered(ns, name)) return;
            report(`${describeObject(kind, r.props, r.name)} keeps data and nothing in the stack backs it up on a schedule: ${fix}`, r.urn);
        };
        const generic = (name: string) => `add a CronJob labelled ${BACKUP_OF_LABEL}: ${name} that backs it up`;
        for (const sts of ofKind(args.resources, "statefulSet")) {
            if (!holdsData(sts.props)) continue;
            if (known(() => metadataOf(sts.props).annotations?.[BACKUP_ANNOTATION] === EXTERNAL_BACKUP_ANNOTATION.value) !== false)
                continue;
            const name = nameOf(sts.props, sts.name);
            const fix = `set the component's backup (stack config ${name}.backup; see docs/backup.md), or ${generic(name)}; if it is backed up outside the stack, annotate it ${BACKUP_ANNOTATION}: external.`;
            check(sts, "StatefulSet", keyOf(sts), () => false, fix);
        }
        for (const kafka of ofKind(args.resources, "kafka")) {
            const name = nameOf(kafka.props, kafka.name);
            const fix = `set the component's mirror to a second cluster (stack config ${name}.mirror; see docs/backup.md), or ${generic(name)}.`;
            check(kafka, "Kafka", keyOf(kafka), (_, n) => mirrored(args.resources, n), fix);
        }
        const clusters = new Map<string, PolicyResource>();
        for (const tikv of ofKind(args.resources, "tikvGroup")) {
            const key = known(() => `${namespaceOf(tikv.props)}/${tikv.props.spec?.cluster?.name as string}`);
            if (key !== undefined && !key.endsWith("/undefined") && !clusters.has(key)) clusters.set(key, tikv);
        }
        for (const [key, tikv] of clusters) {
            const cluster = key.slice(key.indexOf("/") + 1);
            const fix = `set the component's backup (stack config ${cluster}.backup; see docs/backup.md), or ${generic(cluster)}, or add a BackupSchedule for cluster ${cluster}.`;
            check(tikv, "TiKVGroup", key, (ns, n) => scheduled(args.resources, ns, n), fix);
        }
    },
});
