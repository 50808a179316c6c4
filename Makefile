# `sam build` (BuildMethod: makefile in template.yaml) runs `make
# build-<LogicalId>` once per function, with ARTIFACTS_DIR set. Every target
# runs the same one cargo-lambda build of all eight functions: the first call
# builds them together (shared code compiled once, the release links spread
# over every core), the later calls find them fresh in a second or two. Each
# target then copies its own bootstrap. The binary of each function is the
# one its Metadata.BuildProperties.Binary names (checked by the template
# tests).

BINARIES := app-client domain-prefix create-workforce fetch-portal-domain update-invite-email \
	filter-placeholder-callback update-client invitation-message

# arm64, the architecture every function declares; --locked: the lockfile's
# versions, as CI tested them.
CARGO_LAMBDA_BUILD := cargo lambda build --release --arm64 --locked $(addprefix --package ,$(BINARIES))

define bootstrap
	$(CARGO_LAMBDA_BUILD)
	cp target/lambda/$(1)/bootstrap "$(ARTIFACTS_DIR)/bootstrap"
endef

build-AppClientFunction:
	$(call bootstrap,app-client)
build-DomainPrefixFunction:
	$(call bootstrap,domain-prefix)
build-CreateWorkforceFunction:
	$(call bootstrap,create-workforce)
build-FetchPortalDomainFunction:
	$(call bootstrap,fetch-portal-domain)
build-UpdateInviteEmailFunction:
	$(call bootstrap,update-invite-email)
build-FilterPlaceholderCallbackFunction:
	$(call bootstrap,filter-placeholder-callback)
build-UpdateClientFunction:
	$(call bootstrap,update-client)
build-InvitationMessageFunction:
	$(call bootstrap,invitation-message)

# The functions' packages, for scripts that check them (scripts/check-deps).
print-binaries:
	@echo $(BINARIES)

.PHONY: print-binaries $(addprefix build-,AppClientFunction DomainPrefixFunction CreateWorkforceFunction FetchPortalDomainFunction \
	UpdateInviteEmailFunction FilterPlaceholderCallbackFunction UpdateClientFunction InvitationMessageFunction)
