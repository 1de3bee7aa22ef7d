/** Persistent storage of the StatefulSet systems' members: size, class, and what happens to the claims. */

/**
 * What happens to a member's claim when its StatefulSet is deleted or scaled in (the StatefulSet's
 * `persistentVolumeClaimRetentionPolicy`): kept, or deleted with the member.
 */
export const ClaimRetention = {
    /** The claim and its data stay; a later member with the same ordinal adopts it. */
    Retain: "Retain",
    /** The claim, and with the default reclaim policy its volume, is deleted. */
    Delete: "Delete",
} as const;
/** One of {@link ClaimRetention}'s values. */
export type ClaimRetention = (typeof ClaimRetention)[keyof typeof ClaimRetention];

/** Persistent storage for each member: one PersistentVolumeClaim per replica. */
export interface StorageArgs {
    /**
     * Requested size of each member's volume.
     * @default "10Gi"
     */
    size?: string;
    /**
     * StorageClass of the volumes. Changing it later replaces the StatefulSet (its claim templates are immutable).
     * @default - the cluster's default StorageClass
     */
    storageClassName?: string;
    /**
     * What happens to the claims when the StatefulSet is deleted: "Retain" or "Delete".
     * @default "Retain"
     */
    whenDeleted?: ClaimRetention;
    /**
     * What happens to the claims of members removed by a scale-in: "Retain" or "Delete".
     * @default "Retain"
     */
    whenScaled?: ClaimRetention;
}
