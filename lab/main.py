"""tsray's JupyterLab, served by jupyterlab_server's LabServerApp on jupyter_server.

`tsray lab` runs this file from the folder the frontend was built into (a cache folder,
see cli/lab/build.ts): the bundle, schemas and themes are in build/ beside it, the page
template in templates/. Settings and workspaces stay where JupyterLab keeps them (under the
Jupyter config dir), so a learner's choices survive a rebuild. Server options (port, token,
root dir, --allow-root) come on the command line as for any Jupyter server.
"""
import json
import os

from jupyter_core.paths import jupyter_config_dir
from jupyterlab_server import LabServerApp

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")
# Where JupyterLab itself keeps them.
LAB_STATE = os.path.join(jupyter_config_dir(), "lab")

with open(os.path.join(HERE, "package.json")) as package:
    VERSION = json.load(package)["version"]


def _jupyter_server_extension_points():
    # jupyter_server finds the application by importing the module its `name` names: this
    # one, run as a script (__main__).
    return [{"module": __name__, "app": TsrayLab}]


class TsrayLab(LabServerApp):
    name = __name__
    app_name = "JupyterLab (tsray)"
    app_version = VERSION
    extension_url = "/lab"
    default_url = "/lab"
    # This is the whole application: no other server extension is loaded into it.
    load_other_extensions = False
    static_dir = BUILD
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    app_settings_dir = os.path.join(BUILD, "application_settings")
    templates_dir = os.path.join(HERE, "templates")
    user_settings_dir = os.path.join(LAB_STATE, "user-settings")
    workspaces_dir = os.path.join(LAB_STATE, "workspaces")

    def initialize_settings(self):
        super().initialize_settings()
        # No terminal server extension runs here: the launcher must not offer terminals.
        self.serverapp.web_app.settings["terminals_available"] = False


if __name__ == "__main__":
    TsrayLab.launch_instance()
