/** CPU, memory and local storage of a component's containers. */

/** CPU, memory and local (ephemeral) storage for the main container. */
export interface ResourcesArgs {
    /**
     * CPU request, for example "250m".
     * @default - the component's own default
     */
    cpuRequest?: string;
    /**
     * Memory request, for example "512Mi".
     * @default - the component's own default
     */
    memoryRequest?: string;
    /**
     * CPU limit. Leave unset to avoid CPU throttling.
     * @default - no CPU limit
     */
    cpuLimit?: string;
    /**
     * Memory limit.
     * @default - equal to the memory request
     */
    memoryLimit?: string;
    /**
     * Local storage request (`ephemeral-storage`): what the container may write outside its claims,
     * its scratch `emptyDir`s and its log included. The scheduler places members where it fits, and
     * a node short of disk evicts the pods above their request first.
     * @default - 64Mi for the container's log plus the `sizeLimit` of every disk-backed `emptyDir` of the pod
     */
    ephemeralStorageRequest?: string;
    /**
     * Local storage limit (`ephemeral-storage`): the kubelet evicts the pod above it. Logs count, so a
     * limit close to the request evicts a chatty member.
     * @default - no limit (each `emptyDir` is capped by its own `sizeLimit`)
     */
    ephemeralStorageLimit?: string;
}
