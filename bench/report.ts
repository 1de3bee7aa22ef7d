/** How `npm run bench` reports samples: medians, ranges and plain-text tables. */

/** The median of samples (the upper one of the middle two for an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The range of samples, `min-max`, to two decimals. */
export const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;

/** A table cell of samples: the only one, or `median (range)`. */
export const cell = (xs: number[]): string => (xs.length === 1 ? xs[0].toFixed(2) : `${median(xs).toFixed(2)} (${spread(xs)})`);

/** Prints a titled table with a header row; numbers are printed with two decimals unless whole. */
export function table(title: string, header: string[], rows: (string | number)[][]): void {
    const cells = [
        header,
        ...rows.map((r) => r.map((c) => (typeof c === "number" ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c))),
    ];
    const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
    console.log(`\n${title}`);
    for (const [i, r] of cells.entries()) {
        console.log(r.map((c, j) => String(c).padEnd(widths[j])).join("  "));
        if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
    }
}
