/** Kubernetes quantities (`512Mi`, `2Gi`, `1G`) as numbers, for values derived from them. */

/** Parses a Kubernetes memory or storage quantity into MiB (rounded down). */
export function memoryMiB(quantity: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
    if (m === null) throw new Error(`not a memory quantity: ${quantity}`);
    const factor: Record<string, number> = {
        "": 1 / 2 ** 20,
        Ki: 1 / 1024,
        Mi: 1,
        Gi: 1024,
        Ti: 1024 ** 2,
        k: 1e3 / 2 ** 20,
        M: 1e6 / 2 ** 20,
        G: 1e9 / 2 ** 20,
        T: 1e12 / 2 ** 20,
    };
    return Math.floor(Number.parseFloat(m[1]) * factor[m[2] ?? ""]);
}
