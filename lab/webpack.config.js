// Bundles tsray's JupyterLab (index.js) into build/, beside the schemas, themes and style
// entry that @jupyterlab/builder's ensureAssets copies from the extensions listed in
// package.json's "jupyterlab" field. LabServerApp (main.py) serves build/ as static files.
// Quirks of the 4.6 packages, met while building it:
// - @jupyter/web-components imports its own modules without file extensions, which webpack
//   refuses in packages marked as ES modules unless fullySpecified is off;
// - apputils-extension imports a `*.raw.css` file as text (it injects it itself), so that
//   one is loaded as source and not through the style loaders.
const path = require("path");
const webpack = require("webpack");
const { Build } = require("@jupyterlab/builder");
const svgToDataUri = require("mini-svg-data-uri");
const metadata = require("./package.json");

const output = path.resolve(process.env.TSRAY_LAB_OUTPUT || path.join(__dirname, "build"));
const production = process.env.NODE_ENV === "production";

const assets = Build.ensureAssets({ packageNames: metadata.jupyterlab.extensions.concat(metadata.jupyterlab.mimeExtensions), output });

module.exports = [
  {
    entry: ["./index.js"],
    output: { path: output, filename: "bundle.js", chunkFilename: "[name].[contenthash].js" },
    mode: production ? "production" : "development",
    // No source maps: the bundle is for learners, and maps triple its size on disk.
    devtool: false,
    bail: true,
    performance: { hints: false },
    module: {
      rules: [
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.raw\.css$/, type: "asset/source" },
        { test: /(?<!\.raw)\.css$/, use: ["style-loader", "css-loader"] },
        { test: /\.html$/, type: "asset/resource" },
        { test: /\.md$/, type: "asset/source" },
        { test: /\.(jpg|png|gif)$/, type: "asset/resource" },
        { test: /\.(woff2?|ttf)(\?v=\d+\.\d+\.\d+)?$/, type: "asset" },
        { test: /\.eot(\?v=\d+\.\d+\.\d+)?$/, type: "asset/resource" },
        // In style sheets an SVG is a data URI; imported from code it is the SVG's text.
        {
          test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
          issuer: /\.css$/,
          type: "asset/inline",
          generator: { dataUrl: (content) => svgToDataUri(content.toString()) },
        },
        { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, type: "asset/source" },
      ],
    },
    plugins: [
      // Some packages (the path polyfill) ask for the working directory.
      new webpack.DefinePlugin({ process: { cwd: () => "/", env: {} } }),
    ],
  },
].concat(assets);
