import * as assert from "assert";
import { AUTOSCALING_DEFAULTS, defaultScaleDownStabilization } from "../components/lib/autoscaling";

describe("autoscaling defaults", () => {
    it("waits fifteen minutes before a Kafka broker scale-in, the default five elsewhere", () => {
        assert.strictEqual(defaultScaleDownStabilization({ apiVersion: "kafka.strimzi.io/v1", kind: "KafkaNodePool", name: "b" }), 900);
        assert.strictEqual(
            defaultScaleDownStabilization({ apiVersion: "core.pingcap.com/v1alpha1", kind: "TiDBGroup", name: "t" }),
            AUTOSCALING_DEFAULTS.scaleDownStabilizationSeconds,
        );
        assert.strictEqual(
            defaultScaleDownStabilization({ apiVersion: "apps/v1", kind: "StatefulSet", name: "e" }),
            AUTOSCALING_DEFAULTS.scaleDownStabilizationSeconds,
        );
    });
});
