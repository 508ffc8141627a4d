# Two commands do all set-up: `make dev` (run the API locally) and `make test` (run every test).
# Everything they need is installed from the package registries into this folder (.venv, node_modules).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
PY      := .venv/bin/python
VENV_OK := .venv/.installed
BUILD_OK := .venv/.build-tools
CLIENT  := client
IDP_OK  := tests/idp/node_modules/.installed
export PATH := $(CURDIR)/.venv/bin:$(PATH)

.PHONY: idp dev test test-rust test-emulator test-cdk test-verify verify-deployment synth-check package-check docs-check openapi venv build-tools clean deploy

# `make dev SESSION_COOKIE=on`: the browser session mode (refresh token in an HttpOnly cookie; docs/api.md "Browser session mode").
# `make dev LEGACY_USERS=me@example.com:Legacy-Passw0rd!9`: a local legacy system with those users, and the user
# migration trigger moving each in at its first login (docs/api.md "Moving users in from a legacy system").
# `make dev EMAIL_OTP=on`: the local pool offers sign-in with an emailed code (a deployed pool does only when it sends
# through Amazon SES: the email prop).
# `make dev CUSTOM_MESSAGES='{"productName":"Acme Notes"}'`: the custom message trigger brands every email the local pool
# sends (GET <Local Cognito>/_local/messages shows them; the customMessages prop, which needs SES: EMAIL_OTP is on too).
dev: $(VENV_OK) api-reference client-build
	cargo build --bin auth-local
	@tests/local-cognito/dev.sh

test: docs-check test-emulator test-rust test-cdk test-verify resource-servers client e2e e2e-reference contract synth-check package-check bench-smoke

test-rust: $(VENV_OK) $(IDP_OK)
	cargo nextest --version >/dev/null 2>&1 || cargo install --locked cargo-nextest
	LOCAL_COGNITO_PYTHON=$(CURDIR)/$(PY) cargo nextest run --workspace --no-fail-fast

test-emulator: $(VENV_OK) $(IDP_OK)
	$(PY) -m pytest tests/local-cognito -q

test-cdk: node_modules/.installed $(VENV_OK)
	npm test

# Every relative link and #anchor between README.md, docs/*.md and bench/*.md resolves (offline; tests/docs).
docs-check: $(VENV_OK)
	$(PY) -m pytest tests/docs -q

# The verify command (lib/verify) against make dev + moto: a healthy run, each deliberate break, cleanup after a failure
# and Ctrl-C, --dry-run, --local (tests/verify/verify.test.ts), and its drift test against the routes and WAF rules.
test-verify: node_modules/.installed $(VENV_OK)
	cargo build --bin auth-local
	npm run --silent test:verify

# The first-deploy checks against a deployed stack, with your AWS credentials:
#   make verify-deployment STACK=CognitoAuthApi [REGION=eu-west-1] [ARGS="--json"]
verify-deployment: node_modules/.installed
	@test -n "$(STACK)" || { echo 'usage: make verify-deployment STACK=<stack name> [REGION=<region>] [ARGS="--dry-run"]' >&2; exit 2; }
	npm run --silent verify -- --stack "$(STACK)" $(if $(REGION),--region "$(REGION)") $(ARGS)

# The resource-server guide's Node example (examples/resource-server-node: aws-jwt-verify, own package.json and
# lockfile) against tokens the emulator issues; its Rust twin (examples/resource-server-rust) runs in test-rust.
RESOURCE_NODE := examples/resource-server-node
$(RESOURCE_NODE)/node_modules/.installed: $(RESOURCE_NODE)/package.json $(RESOURCE_NODE)/package-lock.json
	cd $(RESOURCE_NODE) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

.PHONY: resource-servers
resource-servers: $(RESOURCE_NODE)/node_modules/.installed $(VENV_OK)
	cargo build --bin auth-local   # token-claims.test.mjs: the pre token generation trigger's own handler
	cd $(RESOURCE_NODE) && LOCAL_COGNITO_PYTHON=$(CURDIR)/$(PY) npm test

# Regenerates cdk/openapi.json from the route definition and the Rust types, then the client's generated files.
openapi: $(CLIENT)/node_modules/.installed
	UPDATE_OPENAPI=1 cargo nextest run -p auth-api --test openapi
	cd $(CLIENT) && npm run --silent gen && npm run --silent build

# A real `cdk synth` with cargo-lambda bundling (release build of the bootstrap binary), then cfn-lint.
synth-check: node_modules/.installed $(BUILD_OK) $(VENV_OK)
	npm run synth:check

# The packages (tests/package/check.js): `npm run package` (jsii, the artifact: its cargo build reuses synth-check's
# release build, so keep this after synth-check; API.md; jsii-pacmak: npm tarball, Python wheel, Java sources),
# contents and sizes, then in a temp folder with no Rust toolchain on PATH: two npm consumer apps install the tarball
# and synthesize, and a fresh virtualenv gets the wheel with aws-cdk-lib from PyPI and synthesizes examples/python.
# About 5-6 minutes after synth-check (2 cores, busy), of which the Python part is about 2.
package-check: node_modules/.installed $(BUILD_OK) $(VENV_OK)
	npm run package:check

# Everything `npx cdk deploy` needs (node_modules, cargo-lambda + zig in .venv), then the deploy itself:
#   make deploy ARGS="-c region=eu-west-1 -c corsOrigins=https://app.example.com"
deploy: node_modules/.installed $(BUILD_OK)
	npx cdk deploy --all $(ARGS)

# The local identity providers (tests/idp: oidc-provider playing Google and Entra ID, samlify a SAML IdP),
# own package.json + lockfile: the federation tests and make dev sign in through them.
idp: $(IDP_OK)
$(IDP_OK): tests/idp/package.json tests/idp/package-lock.json
	cd tests/idp && npm ci --no-audit --no-fund
	touch $@

venv: $(VENV_OK)
$(VENV_OK): tests/requirements.txt
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check -r tests/requirements.txt
	touch $@

build-tools: $(BUILD_OK)
$(BUILD_OK): tests/requirements-build.txt $(VENV_OK)
	$(PY) -m pip install -q --disable-pip-version-check -r tests/requirements-build.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf target cdk.out node_modules .venv .dev dist dist-packages .jsii API.md API.python.md $(CLIENT)/node_modules $(CLIENT)/dist $(CLIENT)/.build tests/idp/node_modules examples/resource-server-node/node_modules

# Frontend (client/, examples/demo, tests/e2e, tests/contract): the client package generated from
# cdk/openapi.json, the demo page built on it, its real-browser test in Debian's Chromium, and
# schemathesis against the local API.
.PHONY: client client-build demo e2e contract chromium api-reference e2e-reference
DEMO := examples/demo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CLIENT)/node_modules/.installed: $(CLIENT)/package.json $(CLIENT)/package-lock.json
	cd $(CLIENT) && npm ci --no-audit --no-fund
	touch $@

# The drift check (fails when client/src/generated is stale against cdk/openapi.json; fix: make openapi), then dist/.
client-build: $(CLIENT)/node_modules/.installed
	cd $(CLIENT) && npm run --silent gen:check
	cd $(CLIENT) && npm run --silent build

# The client package: unit tests (fake clock, fake API), the bundle size bound, and `npm pack` installed
# into a fresh app that type-checks the documented examples (client/README.md, docs/).
client: client-build
	cd $(CLIENT) && npm test
	cd $(CLIENT) && npm run --silent size
	cd $(CLIENT) && npm run --silent pack:check

$(DEMO)/node_modules/.installed: $(DEMO)/package.json $(DEMO)/package-lock.json
	cd $(DEMO) && npm ci --no-audit --no-fund
	touch $@

# The demo page, built on the client package (a file: dependency on client/, so the client is built first).
demo: client-build $(DEMO)/node_modules/.installed
	cd $(DEMO) && npm run --silent build

# Debian's Chromium for the browser tests (installed once).
chromium:
	test -x "$${CHROMIUM:-/usr/bin/chromium}" || { $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

e2e: demo chromium $(VENV_OK) $(RESOURCE_NODE)/node_modules/.installed
	cargo build --bin auth-local
	cd $(DEMO) && npm run --silent e2e

contract: $(VENV_OK)
	cargo build --bin auth-local
	tests/contract/run.sh

# Benchmarks (bench/, method in bench/README.md): cold starts over TLS under a stub Lambda Runtime API
# at Lambda's CPU share of 128/256/1024 MB beside a Node baseline, warm overhead of every route,
# artifact size and cost -> bench/results.md; `load` runs wrk against auth-local + the emulator.
.PHONY: bench bench-smoke load
# The Node baseline the cold starts are compared with (bench/node-baseline, pinned, from npm).
NODE_BASELINE := bench/node-baseline/node_modules/.installed
$(NODE_BASELINE): bench/node-baseline/package.json bench/node-baseline/package-lock.json
	cd bench/node-baseline && npm ci --no-audit --no-fund
	touch $@
bench: $(NODE_BASELINE)
	bench/bench.sh

bench-smoke: $(NODE_BASELINE) $(BUILD_OK)
	bench/bench.sh --smoke

load: $(VENV_OK)
	bench/load.sh

# The browsable API reference that `make dev` serves (examples/api-reference, own package.json + lockfile):
# cdk/openapi.json in Swagger UI (swagger-ui-dist), every asset copied into dist/ at build time, so the page
# makes no request to the network. Install scripts are off (swagger-ui-dist's only dependency is an
# install-time analytics hook). e2e-reference: tests/e2e/api-reference.e2e.mjs in Chromium, via dev.sh.
REFERENCE := examples/api-reference
$(REFERENCE)/node_modules/.installed: $(REFERENCE)/package.json $(REFERENCE)/package-lock.json
	cd $(REFERENCE) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

api-reference: $(REFERENCE)/dist/index.html
$(REFERENCE)/dist/index.html: $(REFERENCE)/node_modules/.installed $(REFERENCE)/build.mjs cdk/openapi.json
	cd $(REFERENCE) && npm run --silent build

e2e-reference: api-reference chromium $(VENV_OK)
	cargo build --bin auth-local
	cd $(REFERENCE) && npm run --silent e2e
