/** Image references: the one reading of a tag, behind the pinned-image check (lib/contract.ts) and the version label. */

/** The tag of an image reference (after the last ":" of its last path segment), or undefined without one. */
export function imageTag(image: string): string | undefined {
    const last = image.split("@")[0].split("/").pop() ?? "";
    const colon = last.lastIndexOf(":");
    return colon > 0 ? last.slice(colon + 1) : undefined;
}

/** The digest of an image reference (`sha256:...` after the "@"), or undefined without one. */
export function imageDigest(image: string): string | undefined {
    const at = image.indexOf("@");
    return at < 0 ? undefined : image.slice(at + 1);
}

/** The `app.kubernetes.io/version` label value of an image: its digest (label-safe, at most 63 characters) or its tag. */
export function imageVersionLabel(image: string): string {
    const digest = imageDigest(image);
    if (digest !== undefined) return digest.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 63);
    return imageTag(image) ?? "";
}
