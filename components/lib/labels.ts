/**
 * The labels the components put on their objects for people and tools; the keys the policy pack reads
 * come from lib/contract.ts.
 */
import { PART_OF_LABEL } from "./contract";
import { imageVersionLabel } from "./image";

/** Labels on every object the package creates: which project it belongs to and what manages it. */
export const PACKAGE_LABELS = { [PART_OF_LABEL.key]: PART_OF_LABEL.value, "app.kubernetes.io/managed-by": "pulumi" } as const;

/** The recommended `app.kubernetes.io/*` labels; the first two (name and instance) are the immutable selector. */
export function recommendedLabels(
    system: string,
    instance: string,
    image: string,
    component = "server",
): {
    selector: Record<string, string>;
    all: Record<string, string>;
} {
    const selector = { "app.kubernetes.io/name": system, "app.kubernetes.io/instance": instance };
    return {
        selector,
        all: {
            ...selector,
            "app.kubernetes.io/version": imageVersionLabel(image),
            "app.kubernetes.io/component": component,
            ...PACKAGE_LABELS,
        },
    };
}
