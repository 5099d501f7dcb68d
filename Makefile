# chatbundle: make demo | make test | make bench | make lint | make fuzz | make tsan
#
# Every target installs the system packages it needs when they are missing (Debian,
# apt-get; sudo is used when not root), so a fresh machine with the Swift toolchain needs
# nothing else.

SHELL := /bin/bash
SWIFT ?= swift
OUT ?= out
DEMO := $(OUT)/demo
EXAMPLE := examples/easemob
WECOM := examples/wecom
BIN = $(shell $(SWIFT) build --show-bin-path)/chatbundle

.PHONY: all build demo test bench bench-scale lint deps test-deps clean screenshots fuzz fuzz-build fuzz-regress fuzz-merge tsan

all: build

deps:
	@bash scripts/ensure-packages.sh build

test-deps: deps
	@bash scripts/ensure-packages.sh test

build: deps
	$(SWIFT) build

demo: build
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@echo "== key: the sender's signing key (demo.key stays private; demo.pub goes to the recipient)"
	$(BIN) key new -o $(DEMO)/demo --name "Class 3-2 office (demo)"
	@echo
	@echo "== pack: the example Easemob export (three hour files, media, a people list), signed, with custody"
	$(BIN) pack --source easemob $(EXAMPLE)/export --media $(EXAMPLE)/media \
	  --people $(EXAMPLE)/people.csv --exported-by "Wang Fang, school office" \
	  --requested-by "District education bureau" --purpose "semester archive" --reference "DEMO-1" \
	  --sign $(DEMO)/demo.key -o $(DEMO)/example.tar.gz
	@echo
	@echo "== verify: offline, streaming, requiring the sender's signature"
	$(BIN) verify $(DEMO)/example.tar.gz --trust $(DEMO)/demo.pub
	@echo
	@echo "== certify: the handover certificate to print and file"
	$(BIN) certify $(DEMO)/example.tar.gz --trust $(DEMO)/demo.pub -o $(DEMO)/certificate.html \
	  --json $(DEMO)/certificate.json
	@echo
	@echo "== inspect"
	$(BIN) inspect $(DEMO)/example.tar.gz
	@echo
	@echo "== extract"
	$(BIN) extract $(DEMO)/example.tar.gz $(DEMO)/extracted
	@echo
	@echo "== export csv: one spreadsheet per conversation"
	$(BIN) export csv $(DEMO)/example.tar.gz -o $(DEMO)/csv
	@echo
	@echo "== redact: before the handover, a parent's phone, an ID card number and a pupil's health message removed; verify --parent proves nothing else changed"
	$(BIN) redact $(DEMO)/example.tar.gz -o $(DEMO)/redacted.tar.gz \
	  --pattern phone --reason "parent's phone number" --pattern idcard --reason "ID card number" \
	  --message 174157446529738215 --reason "a pupil's health" --sign $(DEMO)/demo.key
	$(BIN) verify $(DEMO)/redacted.tar.gz --parent $(DEMO)/example.tar.gz --trust $(DEMO)/demo.pub
	$(BIN) render $(DEMO)/redacted.tar.gz --trust $(DEMO)/demo.pub -o $(DEMO)/redacted-site
	@echo
	@echo "== the WeCom example: an external contact, a recall, a corrupt and an absent media file"
	$(BIN) pack --source wecom $(WECOM)/messages.jsonl --media $(WECOM)/media \
	  --people $(WECOM)/people.csv -o $(DEMO)/wecom.tar.gz
	$(BIN) render $(DEMO)/wecom.tar.gz -o $(DEMO)/wecom-site
	@echo
	@echo "== an Easemob post-send callback log: group_id, an edit, a recall, receipts skipped with a reason"
	$(BIN) pack --source easemob examples/easemob-webhooks/webhooks.jsonl \
	  --people examples/easemob-webhooks/people.csv -o $(DEMO)/webhooks.tar.gz
	$(BIN) render $(DEMO)/webhooks.tar.gz -o $(DEMO)/webhooks-site
	@echo
	@echo "== Slack: a workspace export (channels, a private channel, a DM, a group DM; edits, reactions, threads, files; export tokens removed)"
	$(BIN) pack --source slack examples/slack -o $(DEMO)/slack.tar.gz
	$(BIN) verify $(DEMO)/slack.tar.gz
	$(BIN) render $(DEMO)/slack.tar.gz -o $(DEMO)/slack-site --lang en
	$(BIN) export csv $(DEMO)/slack.tar.gz -o $(DEMO)/slack-csv
	@echo
	@echo "== Telegram: an account export (a chat, a forum group, a bot, a left channel; edits, reactions, threads, media present, absent and not exported)"
	$(BIN) pack --source telegram examples/telegram/DataExport_2025-03-10 --source-tz Europe/Berlin -o $(DEMO)/telegram.tar.gz
	$(BIN) render $(DEMO)/telegram.tar.gz -o $(DEMO)/telegram-site --lang en
	@echo
	@echo "== Discord: DiscordChatExporter files (a guild channel, a thread, a DM, a group DM; edits, reactions, media present and absent)"
	$(BIN) pack --source discord examples/discord -o $(DEMO)/discord.tar.gz
	$(BIN) render $(DEMO)/discord.tar.gz -o $(DEMO)/discord-site --lang en
	@echo
	@echo "== render: static HTML transcripts, offline"
	$(BIN) render $(DEMO)/example.tar.gz --trust $(DEMO)/demo.pub -o $(DEMO)/site
	@echo
	@echo "bundle:    $(abspath $(DEMO)/example.tar.gz)"
	@echo "extracted: $(abspath $(DEMO)/extracted)"
	@echo "csv:       $(abspath $(DEMO)/csv)"
	@echo "redacted:  $(abspath $(DEMO)/redacted-site/index.html)  (salts: $(abspath $(DEMO)/redacted.salts))"
	@echo "wecom:     $(abspath $(DEMO)/wecom-site/index.html)"
	@echo "webhooks:  $(abspath $(DEMO)/webhooks-site/index.html)"
	@echo "slack:     $(abspath $(DEMO)/slack-site/index.html)"
	@echo "telegram:  $(abspath $(DEMO)/telegram-site/index.html)"
	@echo "discord:   $(abspath $(DEMO)/discord-site/index.html)"
	@echo "certificate: $(abspath $(DEMO)/certificate.html)"
	@echo "open:      $(abspath $(DEMO)/site/index.html)"

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	@bash scripts/check-example-schemas.sh "$(BIN)"
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests templates/Templates.swift

# The tests that start threads (read-ahead in every verifying pass, the site's queues and
# page finishers, the connector's tasks, the CLI's interrupted runs, whose binary is built
# with ThreadSanitizer too), in a build directory of their own; a race fails the run
# (halt_on_error reaches the child processes through the environment). Installs nothing
# new. TSAN_FILTER narrows or widens the selection.
TSAN_FILTER ?= ArchiveIOTests|ChatBundleSiteTests|ConnectTests|ChatBundleTests|ChatBundleExportTests|CLITests.InterruptionTests|CLITests.CLITests|CLITests.ExportCLITests|CLITests.SignatureTests|CLITests.TerminalAndZoneTests|CLITests.WeComCLITests
tsan: test-deps
	TSAN_OPTIONS="halt_on_error=1 $(TSAN_OPTIONS)" $(SWIFT) test --scratch-path .build-tsan -Xswiftc -sanitize=thread \
	  --filter '$(TSAN_FILTER)'

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests templates/Templates.swift

screenshots: build
	bash scripts/screenshots.sh "$(BIN)"

bench: deps
	bash scripts/bench.sh $(BENCH_ARGS)

# Issue 16's scale run, on demand: 1M and 10M text messages packed, verified and rendered
# (about an hour and 6 GB of disk on 2 cores). BENCH_SCALE_ARGS="--messages N --work DIR".
bench-scale: deps
	bash scripts/bench-scale.sh $(BENCH_SCALE_ARGS)

# libFuzzer targets (Fuzz/, a package of its own; see Fuzz/README.md). The toolchain ships
# libFuzzer and the sanitizer runtimes; the build has its own scratch path, Fuzz/.build.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= fuzz-verify fuzz-easemob-mapper fuzz-wecom-mapper
FUZZ_SWIFTFLAGS = -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

fuzz-build: deps
	$(SWIFT) build --package-path Fuzz --scratch-path Fuzz/.build $(FUZZ_SWIFTFLAGS)

# Each target for FUZZ_SECONDS on a scratch copy of Fuzz/corpus/<target>; fails on any artifact.
fuzz: fuzz-build
	bash Fuzz/scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Replays the committed crash fixtures, Fuzz/crashes/<target>/.
fuzz-regress: fuzz-build
	bash Fuzz/scripts/regress.sh

# After `make fuzz`: folds the new inputs into the committed corpus, minimized.
fuzz-merge: fuzz-build
	bash Fuzz/scripts/merge.sh $(FUZZ_TARGETS)

clean:
	rm -rf $(OUT) .build Fuzz/.build
