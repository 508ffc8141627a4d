#!/usr/bin/env node
// The CDK app: `npx cdk deploy --all` stands up the auth API (and, outside us-east-1, its WAF stack).
// Settings come from context; see CONTEXT_KEYS in lib/app.ts and docs/deploying.md ("Context keys").
import { App } from 'aws-cdk-lib';
import { buildAuthApiApp } from '../lib/app';
import { useRepositoryTools } from '../lib/build-tools';

// cargo-lambda and zig from `make build-tools` live in .venv/bin: found without exporting PATH by hand.
useRepositoryTools();
const app = new App();
buildAuthApiApp(app);
app.synth();
