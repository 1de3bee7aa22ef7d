import * as assert from "assert";
import { MockRun, valueOf } from "../../scripts/mock-runtime";
import { Eureka, validateEurekaArgs } from "../../components/eureka";

describe("Eureka", () => {
    it("derives one peer URL per replica", async () => {
        const run = await MockRun.start();
        const eureka = new Eureka("eureka", { namespace: "apps", replicas: 3 });
        await run.settle();
        assert.deepStrictEqual(await valueOf(eureka.peerUrls), [
            "http://eureka-0.eureka-headless.apps.svc.cluster.local:8761/eureka/",
            "http://eureka-1.eureka-headless.apps.svc.cluster.local:8761/eureka/",
            "http://eureka-2.eureka-headless.apps.svc.cluster.local:8761/eureka/",
        ]);
        console.log(JSON.stringify(run.registrations.map(r => [r.type, r.name, r.urn]), null, 1));
        console.log(JSON.stringify(run.named("eureka-sts").inputs, null, 1).slice(0, 3000));
    });
});
