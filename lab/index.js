// tsray's JupyterLab: the application shell with the extensions a learner uses (see
// package.json's "jupyterlab" field, which must list the same ones: the builder copies
// their schemas and themes from there).
import { JupyterLab } from "@jupyterlab/application";
import { PageConfig } from "@jupyterlab/coreutils";

// Chunks and style assets load from where the server publishes the bundle; this must be
// set before the styles are imported.
// eslint-disable-next-line no-undef
__webpack_public_path__ = PageConfig.getOption("fullStaticUrl") + "/";

const styles = import("./build/style.js");

/**
 * Plugins left out: the language-server ones need a server extension we do not run, and the
 * announcements one asks to fetch Jupyter's news from the internet.
 */
const LEFT_OUT = [/:language-server/, /^@jupyterlab\/apputils-extension:announcements$/];
const withoutLeftOut = (module) => ({ default: [].concat(module.default).filter(({ id }) => !LEFT_OUT.some((pattern) => pattern.test(id))) });

const extensions = () => [
  import("@jupyterlab/application-extension"),
  import("@jupyterlab/apputils-extension").then(withoutLeftOut),
  import("@jupyterlab/celltags-extension"),
  import("@jupyterlab/codemirror-extension"),
  import("@jupyterlab/completer-extension"),
  import("@jupyterlab/console-extension"),
  import("@jupyterlab/docmanager-extension"),
  import("@jupyterlab/documentsearch-extension"),
  import("@jupyterlab/filebrowser-extension"),
  import("@jupyterlab/fileeditor-extension").then(withoutLeftOut),
  import("@jupyterlab/help-extension"),
  import("@jupyterlab/imageviewer-extension"),
  import("@jupyterlab/inspector-extension"),
  import("@jupyterlab/launcher-extension"),
  import("@jupyterlab/mainmenu-extension"),
  import("@jupyterlab/markdownviewer-extension"),
  import("@jupyterlab/markedparser-extension"),
  import("@jupyterlab/mathjax-extension"),
  import("@jupyterlab/metadataform-extension"),
  import("@jupyterlab/notebook-extension").then(withoutLeftOut),
  import("@jupyterlab/rendermime-extension"),
  import("@jupyterlab/running-extension"),
  import("@jupyterlab/services-extension"),
  import("@jupyterlab/settingeditor-extension"),
  import("@jupyterlab/shortcuts-extension"),
  import("@jupyterlab/statusbar-extension"),
  import("@jupyterlab/theme-dark-extension"),
  import("@jupyterlab/theme-light-extension"),
  import("@jupyterlab/toc-extension"),
  import("@jupyterlab/tooltip-extension"),
  import("@jupyterlab/translation-extension"),
  import("@jupyterlab/ui-components-extension"),
];

const mimeExtensions = () => [import("@jupyterlab/json-extension"), import("@jupyterlab/vega5-extension")];

/** A package's plugins, whether it exports them as an ES module's default or as CommonJS. */
function pluginsOf(module) {
  const exported = Object.prototype.hasOwnProperty.call(module, "__esModule") || "default" in module ? module.default : module;
  return Array.isArray(exported) ? exported : [exported];
}

window.addEventListener("load", async () => {
  await styles;
  const lab = new JupyterLab({ mimeExtensions: await Promise.all(mimeExtensions()) });
  lab.registerPlugins((await Promise.all(extensions())).flatMap(pluginsOf));
  // Where JupyterLab's own UI tests (Galata) find the application: ours find it there too.
  window.jupyterapp = lab;
  await lab.start();
  await lab.restored;
  // For tests and curious learners: the page has finished restoring its layout.
  document.body.dataset.tsrayLab = "ready";
});
