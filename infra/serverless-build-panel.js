'use strict';
/**
 * Local serverless plugin: builds the admin panel bundle (scripts/build-panel.ts) before
 * serverless-esbuild packages or serves the functions, so `serverless package`,
 * `serverless deploy` and `serverless offline` never ship a missing or stale panel.
 */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

class BuildPanelPlugin {
  constructor(serverless) {
    const root = serverless.config.servicePath;
    const build = () => {
      execFileSync(process.execPath, [require.resolve('tsx/cli', { paths: [root] }), join(root, 'scripts', 'build-panel.ts')], { cwd: root, stdio: 'inherit' });
    };
    this.hooks = {
      'before:package:createDeploymentArtifacts': build,
      'before:deploy:function:packageFunction': build,
      'before:offline:start': build,
      'before:offline:start:init': build,
      'before:invoke:local:invoke': build,
    };
  }
}

module.exports = BuildPanelPlugin;
