// The Python that can serve tsray's JupyterLab: one that imports jupyter_server and
// jupyterlab_server (Debian: python3-jupyter-server, python3-jupyterlab-server). Debian's
// /usr/bin/python3 comes first: the first python3 on PATH is often another Python (pyenv,
// conda) without the distribution's packages. TSRAY_PYTHON names another one.
import { spawnSync } from "node:child_process";

const CANDIDATES = ["/usr/bin/python3", "python3"];

function servesJupyterLab(python: string): boolean {
  const probe = spawnSync(python, ["-c", "import jupyter_server, jupyterlab_server"], { stdio: "ignore", timeout: 30_000 });
  return probe.status === 0;
}

/** The Python to run tsray's JupyterLab with, or undefined when none has both packages. */
export function pythonForLab(): string | undefined {
  const chosen = process.env.TSRAY_PYTHON;
  if (chosen) return servesJupyterLab(chosen) ? chosen : undefined;
  return CANDIDATES.find(servesJupyterLab);
}
