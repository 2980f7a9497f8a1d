// The backend contract (support/backend-contract.ts) run against the cluster backend: a
// private Redis on a free loopback port and two node agents of 2 CPUs each, separate
// processes (the widget on one of them), joined by `ray.init({ address })`.
import * as ray from "../runtime";
import { describeBackendContract } from "./support/backend-contract";
import { LocalCluster, startLocalCluster } from "../runtime/cluster/launch/local-cluster";

let cluster: LocalCluster | undefined;

describe("on a two-node cluster", function () {
  this.timeout(60_000);
  before(async () => {
    cluster = await startLocalCluster([{ numCpus: 2, resources: { widget: 1 } }, { numCpus: 2 }]);
  });
  after(async () => {
    await ray.shutdown();
    await cluster?.shutdown();
  });

  describeBackendContract({
    name: "cluster",
    capacity: { numCpus: 4, resources: { widget: 1 } },
    start: () => void ray.init({ address: cluster!.url, dashboard: false }),
    stop: () => ray.shutdown(),
  });
});
