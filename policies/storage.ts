/**
 * Data policies: data lives on claims with a storage class, claims are retained, and operator-managed
 * systems (Strimzi, tidb-operator) declare persistent storage that outlives them.
 */
import { statefulPolicy } from "./lib/define";
import { containersOf, declaresNoData, describeObject, isA, known, knownItems, nameOf, plainCopy } from "./lib/k8s";

/** Config of {@link dataOnPersistentVolumes}. */
export interface DataOnPvcsConfig {
    /** Storage classes claims may use; empty allows any named class. */
    allowedStorageClasses: string[];
    /** Allows `storageClassName: ""`: static binding to pre-created PersistentVolumes, no provisioner involved. */
    allowStaticBinding: boolean;
    /** Mount paths where data goes (`*` is one path segment); scratch volumes may not be mounted there. */
    dataPaths: string[];
}

/** Defaults of {@link DataOnPvcsConfig}. */
export const DATA_ON_PVCS_DEFAULTS: DataOnPvcsConfig = {
    allowedStorageClasses: [],
    allowStaticBinding: true,
    dataPaths: ["/data", "/var/lib/*", "/bitnami/*", "/home/*/data", "/opt/*/data"],
};

function pathPattern(glob: string): RegExp {
    const body = glob
        .split("/")
        .map((part) => (part === "*" ? "[^/]+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
    return new RegExp(`^${body}(/.*)?$`);
}

/** Problems with one claim spec (`where` names it in messages); a field unknown during preview is not judged. */
function claimProblems(where: string, spec: () => Record<string, any> | undefined, cfg: DataOnPvcsConfig): string[] {
    const problems: string[] = [];
    if (known(() => spec()?.resources?.requests?.storage === undefined) === true)
        problems.push(`${where} requests no storage size (resources.requests.storage)`);
    if (known(() => !Array.isArray(spec()?.accessModes) || spec()?.accessModes.length === 0) === true)
        problems.push(`${where} sets no accessModes`);
    const cls = known(() => ({ value: spec()?.storageClassName as string | undefined }));
    if (cls === undefined) return problems;
    if (cls.value === undefined) {
        problems.push(`${where} names no storageClassName (the cluster default may not retain or even exist): set one`);
    } else if (cls.value === "") {
        if (!cfg.allowStaticBinding)
            problems.push(
                `${where} sets storageClassName "" (static binding to pre-created volumes), which this stack does not allow (allowStaticBinding)`,
            );
    } else if (cfg.allowedStorageClasses.length > 0 && !cfg.allowedStorageClasses.includes(cls.value)) {
        problems.push(`${where} uses storage class "${cls.value}", not one of the allowed ${cfg.allowedStorageClasses.join(", ")}`);
    }
    return problems;
}

/** Policy 3: data lives on PVCs with a size, access modes and an allowed storage class. */
export const dataOnPersistentVolumes = statefulPolicy({
    name: "stateful-data-on-pvcs",
    description:
        'A StatefulSet keeps its data on PersistentVolumeClaims: it has volumeClaimTemplates (or declares the annotation stateful-k8s.io/data: none when it keeps no data, which also allows scratch volumes at data paths), each with a storage request, access modes and a storage class from the allow-list (storageClassName "" binds to pre-created volumes and is allowed unless allowStaticBinding is false), each mounted by a container, and no emptyDir or hostPath volume at a data path unless a claim is mounted inside it. Standalone PVCs need a storage request, access modes and an allowed storage class. Fix: add claim templates with storageClassName and mount them where the data goes.',
    enforcementLevel: "mandatory",
    protectsAgainst:
        'data off claims: no `volumeClaimTemplates` (unless annotated `stateful-k8s.io/data: none`, which also allows scratch volumes at data paths); a claim template no container mounts; templates or standalone PVCs without size, access modes or a storage class (allow-list `allowedStorageClasses`; `storageClassName: ""`, static binding to pre-created volumes, is allowed unless `allowStaticBinding: false`); `emptyDir`/`hostPath` mounted at a data path (`dataPaths`, default `/data`, `/var/lib/*`, `/bitnami/*`, `/home/*/data`, `/opt/*/data`) with no claim inside it',
    config: DATA_ON_PVCS_DEFAULTS,
    validateResource: (args, report, cfg) => {
        if (isA(args.type, "pvc")) {
            for (const p of claimProblems(describeObject("PersistentVolumeClaim", args.props, args.name), () => args.props.spec, cfg))
                report(`${p}.`);
            return;
        }
        if (!isA(args.type, "statefulSet")) return;
        const what = describeObject("StatefulSet", args.props, args.name);
        const templatesKnown = known(() => Array.isArray(args.props.spec?.volumeClaimTemplates ?? []));
        const templates = knownItems<{ metadata?: { name?: string }; spec?: Record<string, any> }>(
            () => args.props.spec?.volumeClaimTemplates,
        );
        const noData = declaresNoData(args.props);
        if (templatesKnown === true && templates.length === 0 && !noData) {
            report(
                `${what} has no volumeClaimTemplates: keep its data on claims, or annotate it stateful-k8s.io/data: none if it keeps no data.`,
            );
        }
        const claimNames = new Set<string>();
        for (const t of templates) {
            const name = known(() => t.metadata?.name);
            if (name !== undefined) claimNames.add(name);
            for (const p of claimProblems(`${what} claim template "${name ?? "(unknown)"}"`, () => t.spec, cfg)) report(`${p}.`);
        }
        const containers = containersOf(args.props);
        const mountsOf = (c: Record<string, any>) =>
            knownItems<{ name: string; mountPath: string }>(() => c.volumeMounts)
                .map((m) => known(() => ({ name: m.name, mountPath: m.mountPath })))
                .filter((m): m is { name: string; mountPath: string } => m !== undefined);
        const mountsKnown = containers.every((c) => known(() => Array.isArray(c.container.volumeMounts ?? [])) === true);
        if (mountsKnown) {
            const mounted = new Set(containers.flatMap((c) => mountsOf(c.container).map((m) => m.name)));
            for (const claim of claimNames) {
                if (!mounted.has(claim)) {
                    report(
                        `${what} claim template "${claim}" is mounted by no container: the data lands on the container's file system and is lost with the pod: mount it where the data goes.`,
                    );
                }
            }
        }
        if (noData) return;
        const volumes = knownItems<{ name: string; emptyDir?: object; hostPath?: object }>(() => args.props.spec?.template?.spec?.volumes);
        const patterns = cfg.dataPaths.map(pathPattern);
        for (const { container, label } of containers) {
            const mounts = mountsOf(container);
            for (const m of mounts) {
                const kind = known(() => {
                    const v = volumes.find((vol) => vol.name === m.name);
                    return v === undefined
                        ? undefined
                        : v.emptyDir !== undefined
                          ? "emptyDir"
                          : v.hostPath !== undefined
                            ? "hostPath"
                            : undefined;
                });
                if (kind === undefined || !patterns.some((p) => p.test(m.mountPath))) continue;
                const claimInside = mounts.some(
                    (o) => claimNames.has(o.name) && (o.mountPath === m.mountPath || o.mountPath.startsWith(`${m.mountPath}/`)),
                );
                if (!claimInside) {
                    report(
                        `${what}: ${label} mounts ${kind} volume "${m.name}" at data path ${m.mountPath}; its data is lost with the pod or node: mount a claim template there.`,
                    );
                }
            }
        }
    },
});

/** Config of {@link pvcRetention}. */
export interface PvcRetentionConfig {
    /** Allows `Delete` (for throw-away stacks). */
    allowDelete: boolean;
}

/** Defaults of {@link PvcRetentionConfig}: claims and volumes are retained. */
export const PVC_RETENTION_DEFAULTS: PvcRetentionConfig = { allowDelete: false };

/** Policy 4: claims (and statically bound volumes) are retained. */
export const pvcRetention = statefulPolicy({
    name: "pvc-retention",
    description:
        "A StatefulSet's persistentVolumeClaimRetentionPolicy is unset or Retain for both whenDeleted and whenScaled, so that a deletion, a replacement or a scale-in never deletes data; a PersistentVolume declared in the stack (static binding) has persistentVolumeReclaimPolicy Retain (the default for volumes created by hand), so that deleting its claim does not delete the data. Fix: set Retain, or allow Delete for throw-away stacks with this policy's allowDelete config.",
    enforcementLevel: "mandatory",
    protectsAgainst:
        "`persistentVolumeClaimRetentionPolicy` `Delete`; a PersistentVolume in the stack with `persistentVolumeReclaimPolicy` other than `Retain` (config `allowDelete: true` for throw-away stacks)",
    config: PVC_RETENTION_DEFAULTS,
    validateResource: (args, report, cfg) => {
        if (cfg.allowDelete) return;
        if (isA(args.type, "pv")) {
            const policy = known(() => args.props.spec?.persistentVolumeReclaimPolicy as string | undefined);
            if (policy !== undefined && policy !== "Retain") {
                report(
                    `PersistentVolume ${nameOf(args.props, args.name)} has persistentVolumeReclaimPolicy "${policy}": deleting its claim deletes the data: set Retain.`,
                );
            }
            return;
        }
        if (!isA(args.type, "statefulSet")) return;
        for (const key of ["whenDeleted", "whenScaled"]) {
            const value = known(() => args.props.spec?.persistentVolumeClaimRetentionPolicy?.[key] as string | undefined);
            if (value !== undefined && value !== "Retain") {
                report(
                    `${describeObject("StatefulSet", args.props, args.name)}: persistentVolumeClaimRetentionPolicy.${key} is "${value}"; claims would be deleted: set Retain.`,
                );
            }
        }
    },
});

/** Problems with a Strimzi storage block (`spec.storage` of a node pool, `spec.kafka.storage`/`spec.zookeeper.storage` of a v1beta2 Kafka). */
function strimziStorageProblems(what: string, storage: () => Record<string, any> | undefined): string[] {
    const type = known(() => storage()?.type as string | undefined);
    if (type === undefined && known(() => storage()) === undefined) return [];
    const volumes = type === "jbod" ? knownItems<Record<string, any>>(() => storage()?.volumes) : [storage() ?? {}];
    if (type === "jbod" && known(() => (storage()?.volumes ?? []).length === 0) === true)
        return [`${what} declares no storage volumes: add a persistent-claim volume.`];
    const problems: string[] = [];
    for (const v of volumes) {
        const vType = known(() => ({ value: v.type as string | undefined }));
        if (vType === undefined) continue;
        if (vType.value !== "persistent-claim")
            problems.push(`${what} uses ${vType.value ?? "no"} storage; data is lost with the pod: use persistent-claim.`);
        else if (known(() => v.deleteClaim === true) === true)
            problems.push(`${what} deletes its claims with the cluster (deleteClaim: true): set deleteClaim: false.`);
    }
    return problems;
}

/** Policy 11: operator-managed systems declare persistent storage that outlives them. */
export const operatorStoragePersistent = statefulPolicy({
    name: "operator-storage-persistent",
    description:
        "Operators create the pods and claims of Kafka and TiDB, so policies cannot see them: their custom resources must ask for persistent storage. Strimzi KafkaNodePools (v1 and v1beta2), and the kafka and zookeeper storage of v1beta2 Kafka resources without node pools, use persistent-claim volumes (directly or in jbod), never ephemeral, with deleteClaim false; tidb-operator PDGroups and TiKVGroups declare a data volume with a storage size. Fix: set storage.type persistent-claim (or jbod of them) with deleteClaim: false; add template.spec.volumes with a mount of type data.",
    enforcementLevel: "mandatory",
    protectsAgainst:
        "Strimzi node pools (and the `kafka`/`zookeeper` storage of `v1beta2` Kafka resources without node pools) on `ephemeral` storage, with an empty `jbod` or with `deleteClaim: true`; tidb-operator PD/TiKV groups without a sized data volume (operators' own StatefulSets and claims are invisible to policies)",
    validateResource: (args, report) => {
        if (isA(args.type, "kafkaNodePool")) {
            const what = describeObject("KafkaNodePool", args.props, args.name);
            const problems = strimziStorageProblems(what, () => args.props.spec?.storage ?? {});
            for (const p of problems) report(p);
        }
        if (isA(args.type, "kafka")) {
            const what = describeObject("Kafka", args.props, args.name);
            if (known(() => args.props.spec?.kafka?.storage !== undefined) === true)
                for (const p of strimziStorageProblems(`${what} (kafka)`, () => args.props.spec?.kafka?.storage)) report(p);
            if (known(() => args.props.spec?.zookeeper?.storage !== undefined) === true)
                for (const p of strimziStorageProblems(`${what} (zookeeper)`, () => args.props.spec?.zookeeper?.storage)) report(p);
        }
        if (isA(args.type, "pdGroup") || isA(args.type, "tikvGroup")) {
            const kind = isA(args.type, "pdGroup") ? "PDGroup" : "TiKVGroup";
            const volumes = known(() =>
                plainCopy<{ storage?: string; mounts?: { type?: string }[] }[]>(args.props.spec?.template?.spec?.volumes ?? []),
            );
            if (volumes === undefined) return;
            const data = volumes.find((v) => (v.mounts ?? []).some((m) => m.type === "data"));
            if (data === undefined || data.storage === undefined) {
                report(
                    `${describeObject(kind, args.props, args.name)} declares no data volume with a storage size: add template.spec.volumes with a mount of type data.`,
                );
            }
        }
    },
});
