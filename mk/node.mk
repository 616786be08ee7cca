# The Node toolchain. The version is pinned in scripts/node.sh, which the Makefile's bin/node rule
# runs before npm ci; this checks that everything else agrees with that pin.

TEST_TARGETS += check-node

##@ Quality

.PHONY: check-node
check-node: deps ## Make and npm run the pinned Node; .nvmrc, .node-version, engines agree; native modules load
	node scripts/check-node.mjs
