/**
 * Data policies: data lives on claims with a storage class, claims are retained, and operator-managed
 * systems (Strimzi, tidb-operator) declare persistent storage that outlives them.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, describeObject, known, metadataOf, NO_DATA_ANNOTATION, TYPES } from "./lib/k8s";

/** Config of {@link dataOnPersistentVolumes}. */
export interface DataOnPvcsConfig {
    /** Storage classes claims may use; empty allows any named class. */
    allowedStorageClasses: string[];
    /** Mount paths where data goes (`*` is one path segment); scratch volumes may not be mounted there. */
    dataPaths: string[];
}

/** Defaults of {@link DataOnPvcsConfig}. */
export const DATA_ON_PVCS_DEFAULTS: DataOnPvcsConfig = {
    allowedStorageClasses: [],
    dataPaths: ["/data", "/var/lib/*", "/bitnami/*", "/home/*/data", "/opt/*/data"],
};

function pathPattern(glob: string): RegExp {
    const body = glob
        .split("/")
        .map((part) => (part === "*" ? "[^/]+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
    return new RegExp(`^${body}(/.*)?$`);
}

/** Problems with one claim spec (`where` names it in messages). */
function claimProblems(where: string, spec: Record<string, any> | undefined, cfg: DataOnPvcsConfig): string[] {
    const problems: string[] = [];
    if (spec?.resources?.requests?.storage === undefined) problems.push(`${where} requests no storage size (resources.requests.storage)`);
    if (!Array.isArray(spec?.accessModes) || spec.accessModes.length === 0) problems.push(`${where} sets no accessModes`);
    const cls = spec?.storageClassName as string | undefined;
    if (cls === undefined || cls === "") {
        problems.push(`${where} names no storageClassName (the cluster default may not retain or even exist): set one`);
    } else if (cfg.allowedStorageClasses.length > 0 && !cfg.allowedStorageClasses.includes(cls)) {
        problems.push(`${where} uses storage class "${cls}", not one of the allowed ${cfg.allowedStorageClasses.join(", ")}`);
    }
    return problems;
}

/** Policy 3: data lives on PVCs with a size, access modes and an allowed storage class. */
export const dataOnPersistentVolumes: ResourceValidationPolicy = {
    name: "stateful-data-on-pvcs",
    description:
        "A StatefulSet keeps its data on PersistentVolumeClaims: it has volumeClaimTemplates (or declares the annotation stateful-k8s.io/data: none when it keeps no data), each with a storage request, access modes and a storage class from the allow-list, and no emptyDir or hostPath volume at a data path unless a claim is mounted inside it. Standalone PVCs need a storage request, access modes and an allowed storage class. Fix: add claim templates with storageClassName and mount them where the data goes.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedStorageClasses: { type: "array", items: { type: "string" }, default: DATA_ON_PVCS_DEFAULTS.allowedStorageClasses },
            dataPaths: { type: "array", items: { type: "string" }, default: DATA_ON_PVCS_DEFAULTS.dataPaths },
        },
    },
    validateResource: (args, report) => {
        const cfg: DataOnPvcsConfig = { ...DATA_ON_PVCS_DEFAULTS, ...args.getConfig<Partial<DataOnPvcsConfig>>() };
        known(() => {
            if (args.type === TYPES.pvc) {
                for (const p of claimProblems(describeObject("PersistentVolumeClaim", args.props, args.name), args.props.spec, cfg))
                    report(`${p}.`);
                return;
            }
            if (args.type !== TYPES.statefulSet) return;
            const what = describeObject("StatefulSet", args.props, args.name);
            const templates = (args.props.spec?.volumeClaimTemplates ?? []) as {
                metadata?: { name?: string };
                spec?: Record<string, any>;
            }[];
            const noData = metadataOf(args.props).annotations?.[NO_DATA_ANNOTATION] === "none";
            if (templates.length === 0 && !noData) {
                report(
                    `${what} has no volumeClaimTemplates: keep its data on claims, or annotate it ${NO_DATA_ANNOTATION}: none if it keeps no data.`,
                );
            }
            for (const t of templates) {
                for (const p of claimProblems(`${what} claim template "${t.metadata?.name}"`, t.spec, cfg)) report(`${p}.`);
            }
            const claimNames = new Set(templates.map((t) => t.metadata?.name));
            const volumes = (args.props.spec?.template?.spec?.volumes ?? []) as { name: string; emptyDir?: object; hostPath?: object }[];
            const patterns = cfg.dataPaths.map(pathPattern);
            for (const c of containersOf(args.props)) {
                const mounts = (c.volumeMounts ?? []) as { name: string; mountPath: string }[];
                for (const m of mounts) {
                    const v = volumes.find((vol) => vol.name === m.name);
                    if (v === undefined || (v.emptyDir === undefined && v.hostPath === undefined)) continue;
                    if (!patterns.some((p) => p.test(m.mountPath))) continue;
                    const claimInside = mounts.some(
                        (o) => claimNames.has(o.name) && (o.mountPath === m.mountPath || o.mountPath.startsWith(`${m.mountPath}/`)),
                    );
                    if (!claimInside) {
                        const kind = v.emptyDir !== undefined ? "emptyDir" : "hostPath";
                        report(
                            `${what}: container "${c.name}" mounts ${kind} volume "${m.name}" at data path ${m.mountPath}; its data is lost with the pod or node: mount a claim template there.`,
                        );
                    }
                }
            }
        });
    },
};

/** Config of {@link pvcRetention}. */
export interface PvcRetentionConfig {
    /** Allows `Delete` (for throw-away stacks). */
    allowDelete: boolean;
}

/** Policy 4: claims are retained when the StatefulSet is deleted or scaled in. */
export const pvcRetention: ResourceValidationPolicy = {
    name: "pvc-retention",
    description:
        "A StatefulSet's persistentVolumeClaimRetentionPolicy is unset or Retain for both whenDeleted and whenScaled, so that a deletion, a replacement or a scale-in never deletes data. Fix: set both to Retain, or allow Delete for throw-away stacks with this policy's allowDelete config.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowDelete: { type: "boolean", default: false } } },
    validateResource: (args, report) => {
        if (args.type !== TYPES.statefulSet) return;
        const cfg: PvcRetentionConfig = { allowDelete: false, ...args.getConfig<Partial<PvcRetentionConfig>>() };
        if (cfg.allowDelete) return;
        known(() => {
            const policy = args.props.spec?.persistentVolumeClaimRetentionPolicy ?? {};
            for (const key of ["whenDeleted", "whenScaled"]) {
                if (policy[key] !== undefined && policy[key] !== "Retain") {
                    report(
                        `${describeObject("StatefulSet", args.props, args.name)}: persistentVolumeClaimRetentionPolicy.${key} is "${policy[key]}"; claims would be deleted: set Retain.`,
                    );
                }
            }
        });
    },
};

/** Policy 11: operator-managed systems declare persistent storage that outlives them. */
export const operatorStoragePersistent: ResourceValidationPolicy = {
    name: "operator-storage-persistent",
    description:
        "Operators create the pods and claims of Kafka and TiDB, so policies cannot see them: their custom resources must ask for persistent storage. Strimzi KafkaNodePools use persistent-claim volumes (directly or in jbod), never ephemeral, with deleteClaim false; tidb-operator PDGroups and TiKVGroups declare a data volume with a storage size. Fix: set storage.type persistent-claim (or jbod of them) with deleteClaim: false; add template.spec.volumes with a mount of type data.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        known(() => {
            if (args.type === TYPES.kafkaNodePool) {
                const what = `KafkaNodePool ${metadataOf(args.props).namespace ?? "default"}/${metadataOf(args.props).name ?? args.name}`;
                const storage = args.props.spec?.storage ?? {};
                const volumes = storage.type === "jbod" ? (storage.volumes ?? []) : [storage];
                if (volumes.length === 0) report(`${what} declares no storage volumes: add a persistent-claim volume.`);
                for (const v of volumes) {
                    if (v.type !== "persistent-claim")
                        report(`${what} uses ${v.type ?? "no"} storage; data is lost with the pod: use persistent-claim.`);
                    else if (v.deleteClaim === true)
                        report(`${what} deletes its claims with the cluster (deleteClaim: true): set deleteClaim: false.`);
                }
            }
            if (args.type === TYPES.pdGroup || args.type === TYPES.tikvGroup) {
                const kind = args.type === TYPES.pdGroup ? "PDGroup" : "TiKVGroup";
                const volumes = (args.props.spec?.template?.spec?.volumes ?? []) as { storage?: string; mounts?: { type?: string }[] }[];
                const data = volumes.find((v) => (v.mounts ?? []).some((m) => m.type === "data"));
                if (data === undefined || data.storage === undefined) {
                    report(
                        `${kind} ${metadataOf(args.props).namespace ?? "default"}/${metadataOf(args.props).name ?? args.name} declares no data volume with a storage size: add template.spec.volumes with a mount of type data.`,
                    );
                }
            }
        });
    },
};
