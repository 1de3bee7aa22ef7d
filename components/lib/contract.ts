/**
 * The contract between the components and the policy pack: the labels and annotations the components
 * write and the policies read, the majority arithmetic both apply, and the rule for a pinned image.
 * Both import it, so that neither can drift from the other.
 */
import { imageDigest, imageTag } from "./image";

/** The label every object of the package carries (`app.kubernetes.io/part-of: stateful-k8s`). */
export const PART_OF_LABEL = { key: "app.kubernetes.io/part-of", value: "stateful-k8s" } as const;

/** The label of a StatefulSet whose members vote (a quorum system): they must be odd and keep a majority. */
export const QUORUM_LABEL = { key: "stateful-k8s.io/quorum", value: "true" } as const;

/** The annotation by which a StatefulSet declares that it keeps no data (so it needs no claim templates). */
export const NO_DATA_ANNOTATION = { key: "stateful-k8s.io/data", value: "none" } as const;

/** The label that says what a Service of a StatefulSet system is for. */
export const SERVICE_ROLE_LABEL = "stateful-k8s.io/service-role";

/** The values of {@link SERVICE_ROLE_LABEL}: the headless Service members find each other through, and the one clients use. */
export const SERVICE_ROLES = { peerDiscovery: "peer-discovery", client: "client" } as const;

/** The label by which a backup CronJob (or a KafkaMirrorMaker2) names the data store it backs up. */
export const BACKUP_OF_LABEL = "stateful-k8s.io/backup-of";

/** The annotation by which a data store declares that it is backed up outside the stack (such as Nacos on MySQL). */
export const EXTERNAL_BACKUP_ANNOTATION = { key: "stateful-k8s.io/backup", value: "external" } as const;

/** The pod label of a component's Job (value: the Job's name), which must never carry the members' labels. */
export const JOB_LABEL = "stateful-k8s.io/job";

/** The fewest members that keep a majority of `members`. */
export function majority(members: number): number {
    return Math.floor(members / 2) + 1;
}

/**
 * How many of `members` a voluntary disruption may take down: all but a majority for a quorum system,
 * all but one otherwise; at least one, so that nodes can always be drained.
 */
export function tolerableDisruptions(members: number, quorum: boolean): number {
    return Math.max(1, quorum ? members - majority(members) : members - 1);
}

/** True when an image reference names a fixed tag (not `latest`) or a sha256 digest. */
export function imageIsPinned(image: string): boolean {
    if (imageDigest(image)?.startsWith("sha256:") === true) return true;
    const tag = imageTag(image);
    return tag !== undefined && tag !== "" && tag !== "latest";
}
