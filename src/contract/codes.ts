/** How bad a finding is: an error fails validation, a warning is worth a look. */
export type Severity = 'error' | 'warning';

interface CatalogueEntry {
  severity: Severity;
  /** Where the check runs: on the repository (static) or on the running image (smoke). */
  stage: 'static' | 'smoke';
  title: string;
  hint: string;
}

/**
 * Every finding code the tool can report. Codes are stable: scripts and CI match on them, and
 * docs/findings.md documents each one (a test keeps the two in step).
 */
export const FINDING_CATALOGUE = {
  // --- static: the repository ---
  'no-dockerfile': {
    severity: 'error',
    stage: 'static',
    title: 'No Dockerfile',
    hint: 'Add a Dockerfile at the module root (or pass --dockerfile PATH).',
  },
  'dockerfile-syntax': {
    severity: 'error',
    stage: 'static',
    title: 'Dockerfile cannot be parsed',
    hint: 'Fix the instruction named in the message; `docker build` would fail on it too.',
  },
  'no-command': {
    severity: 'error',
    stage: 'static',
    title: 'No CMD or ENTRYPOINT',
    hint: 'mercure passes no command: add CMD ["./docker-entrypoint.sh"] (or an ENTRYPOINT) to the final stage.',
  },
  'entry-missing': {
    severity: 'error',
    stage: 'static',
    title: 'Entry script missing from the build context',
    hint: 'Add the script to the repository and COPY it into the image, or fix the path in CMD/ENTRYPOINT.',
  },
  'entry-not-executable': {
    severity: 'error',
    stage: 'static',
    title: 'Entry script is not executable',
    hint: 'Run `git update-index --chmod=+x FILE` (and chmod +x), or add `RUN chmod +x FILE` after the COPY.',
  },
  'entry-crlf': {
    severity: 'error',
    stage: 'static',
    title: 'Entry script has CRLF line endings',
    hint: 'Convert it to LF (`dos2unix FILE`) and add `*.sh text eol=lf` to .gitattributes.',
  },
  'entry-no-shebang': {
    severity: 'error',
    stage: 'static',
    title: 'Entry script has no shebang',
    hint: 'Start the script with `#!/usr/bin/env bash` (or `#!/bin/sh`), or run it through an interpreter in CMD.',
  },
  'hardcoded-path': {
    severity: 'warning',
    stage: 'static',
    title: 'Hard-coded /tmp/data or /tmp/output',
    hint: 'Read the folders from $MERCURE_IN_DIR and $MERCURE_OUT_DIR; other runtimes mount them elsewhere.',
  },
  'user-root': {
    severity: 'error',
    stage: 'static',
    title: 'The image runs as root',
    hint: 'mercure runs modules as its own non-root uid: drop `USER root`, or declare the module with --requires-root.',
  },
  'root-only-step': {
    severity: 'error',
    stage: 'static',
    title: 'A run-time step only works as root',
    hint: 'Move package installs and permission changes into the Dockerfile; at run time the module is not root.',
  },
  'runtime-network': {
    severity: 'error',
    stage: 'static',
    title: 'The entry script uses the network at run time',
    hint: 'mercure 0.4.1 runs modules with network "none": install dependencies in the Dockerfile, or declare --network.',
  },
  'base-no-cat': {
    severity: 'error',
    stage: 'static',
    title: 'Base image has no `cat`',
    hint: 'mercure probes every image with `cat /etc/monai/app.json`: use a base with a shell and coreutils (e.g. a -slim image).',
  },
  'base-unpinned': {
    severity: 'warning',
    stage: 'static',
    title: 'Base image is not pinned',
    hint: 'Pin the base to a version tag or digest (e.g. python:3.12-slim-bookworm) so rebuilds are reproducible.',
  },
  'copy-source-missing': {
    severity: 'error',
    stage: 'static',
    title: 'COPY/ADD source not in the build context',
    hint: 'Add the file to the repository or fix the path; `docker build` will fail here.',
  },
  'dockerignore-excludes-copied': {
    severity: 'error',
    stage: 'static',
    title: '.dockerignore excludes a file the Dockerfile copies',
    hint: 'Remove the matching pattern from .dockerignore or add a `!path` exception.',
  },
  'context-large-no-dockerignore': {
    severity: 'warning',
    stage: 'static',
    title: 'Large build context without .dockerignore',
    hint: 'Add a .dockerignore (e.g. .git, data/, *.dcm) so builds send only what the image needs.',
  },
  'makefile-image-mismatch': {
    severity: 'warning',
    stage: 'static',
    title: "The Makefile's image name differs from the configured one",
    hint: 'Make the Makefile build the same image name as --image (or call `mercure-module build` from it).',
  },
  // --- smoke: the image run as mercure runs it ---
  'needs-buildkit': {
    severity: 'error',
    stage: 'static',
    title: 'The Dockerfile needs BuildKit, and docker buildx is not here',
    hint: 'Install the Docker buildx plugin (Debian 12: `bash scripts/setup.sh`; elsewhere Docker’s docker-buildx-plugin), or rewrite the step for the legacy builder (e.g. `RUN chmod +x` instead of `COPY --chmod`).',
  },
  'syntax-frontend-unreachable': {
    severity: 'error',
    stage: 'smoke',
    title: 'The # syntax= frontend image cannot be fetched',
    hint: 'Remove the `# syntax=` line (the builder’s own Dockerfile frontend then builds it), or build where the registry that holds the frontend image is reachable.',
  },
  'build-failed': {
    severity: 'error',
    stage: 'smoke',
    title: 'The image does not build',
    hint: 'Fix the failing Dockerfile step shown in the message; the build log tail is in the report.',
  },
  'probe-no-cat': {
    severity: 'error',
    stage: 'smoke',
    title: 'The startup probe found no `cat` in the image',
    hint: 'mercure runs `cat /etc/monai/app.json` before every run and fails without it: add coreutils or busybox to the image.',
  },
  'start-not-executable': {
    severity: 'error',
    stage: 'smoke',
    title: 'The entry is not executable in the image',
    hint: 'Run `git update-index --chmod=+x FILE` (and chmod +x), or add `RUN chmod +x FILE` after the COPY.',
  },
  'start-entry-missing': {
    severity: 'error',
    stage: 'smoke',
    title: "The image's entry does not exist in the image",
    hint: 'COPY the entry script to the path CMD/ENTRYPOINT names (check WORKDIR for relative paths), or fix the path.',
  },
  'start-interpreter-missing': {
    severity: 'error',
    stage: 'smoke',
    title: "The entry script's interpreter is not in the image",
    hint: 'Use an interpreter the image has (`#!/bin/sh` on busybox or alpine), or install it in the Dockerfile (e.g. bash).',
  },
  'start-entry-crlf': {
    severity: 'error',
    stage: 'smoke',
    title: 'The entry script in the image has CRLF line endings',
    hint: 'Convert it to LF (`dos2unix FILE`), add `*.sh text eol=lf` to .gitattributes, and rebuild.',
  },
  'start-exec-format': {
    severity: 'error',
    stage: 'smoke',
    title: 'The entry is built for another CPU (exec format error)',
    hint: "Build the image for the server's CPU: `docker buildx build --platform linux/amd64` (or a multi-platform image).",
  },
  'platform-not-server': {
    severity: 'warning',
    stage: 'smoke',
    title: "The image is built for another platform than the mercure server's",
    hint: "Build for the server's platform (--platform linux/amd64), or release several platforms with it among them (--platform linux/amd64,linux/arm64).",
  },
  'smoke-skipped-platform': {
    severity: 'warning',
    stage: 'smoke',
    title: 'The smoke run was skipped: this machine cannot run that platform',
    hint: 'Register QEMU user emulation for it (qemu-user-static, or docker/setup-qemu-action on GitHub) and validate again, or publish with --skip-smoke-platform PLATFORM to release it unrun.',
  },
  'start-user-unknown': {
    severity: 'error',
    stage: 'smoke',
    title: "The image's USER does not exist in the image",
    hint: 'Create the user in the Dockerfile (adduser/useradd) before `USER`, or use a numeric uid:gid.',
  },
  'start-workdir': {
    severity: 'error',
    stage: 'smoke',
    title: 'The working directory cannot be entered',
    hint: 'Make WORKDIR a folder that exists in the final image; do not replace it with a file or remove it in a later step.',
  },
  'start-failed': {
    severity: 'error',
    stage: 'smoke',
    title: 'The Docker Engine refused to start the container',
    hint: "Read the runtime's reason in the message; mercure logs the same API error and fails the case.",
  },
  'docker-argument-unsafe': {
    severity: 'warning',
    stage: 'smoke',
    title: "A docker_arguments key is outside mercure's allow-list",
    hint: 'A server with MERCURE_FORBID_UNSAFE_DOCKER_ARGS strips it at run time: check the module still works with --forbid-unsafe-docker-args.',
  },
  'gpu-unavailable': {
    severity: 'warning',
    stage: 'smoke',
    title: 'The module asked for a GPU this engine cannot give',
    hint: 'Validate on a machine with the GPU and its runtime (e.g. nvidia-container-toolkit) to test the GPU path; here it ran without.',
  },
  'exit-nonzero': {
    severity: 'error',
    stage: 'smoke',
    title: 'The module exited with a non-zero code',
    hint: 'Read the log tail; mercure moves such a case to its error folder.',
  },
  'needs-root': {
    severity: 'error',
    stage: 'smoke',
    title: 'The module fails without root',
    hint: 'Make paths it writes at run time world-writable in the Dockerfile, write only under $MERCURE_OUT_DIR or /tmp, or declare --requires-root.',
  },
  'needs-network': {
    severity: 'error',
    stage: 'smoke',
    title: 'The module fails without network',
    hint: 'Install models and packages at build time; mercure runs modules with network "none" unless enabled (--network).',
  },
  'module-hung': {
    severity: 'error',
    stage: 'smoke',
    title: 'The module did not finish in time',
    hint: 'mercure waits forever and blocks the processor: make the module finish, or raise --timeout if it is just slow.',
  },
  'output-empty': {
    severity: 'error',
    stage: 'smoke',
    title: 'The module wrote nothing to $MERCURE_OUT_DIR',
    hint: 'Write results into $MERCURE_OUT_DIR; an empty output fails the case at dispatch.',
  },
  'output-not-dicom': {
    severity: 'error',
    stage: 'smoke',
    title: 'An output .dcm file is not valid DICOM',
    hint: 'Write DICOM Part 10 files (with the 128-byte preamble and "DICM"), e.g. pydicom `save_as(..., enforce_file_format=True)`.',
  },
  'output-naming': {
    severity: 'error',
    stage: 'smoke',
    title: "Output files do not follow mercure's naming",
    hint: 'Name each output `<SeriesInstanceUID>#<name>.dcm`, with the UID of the series the file belongs to.',
  },
  'result-json-invalid': {
    severity: 'error',
    stage: 'smoke',
    title: 'result.json is not a JSON object',
    hint: 'Write a JSON object (not an array or a scalar) to $MERCURE_OUT_DIR/result.json, or none at all.',
  },
  'output-unreadable': {
    severity: 'error',
    stage: 'smoke',
    title: 'mercure cannot read an output file',
    hint: 'Do not restrict permissions on outputs: leave files readable (0644) and folders listable (0755).',
  },
  'output-special-file': {
    severity: 'error',
    stage: 'smoke',
    title: 'The output holds a symbolic link, FIFO, socket or device',
    hint: 'Write regular files only: mercure copies and dispatches out/, where a link points into the host and a FIFO blocks the reader.',
  },
  'input-modified': {
    severity: 'error',
    stage: 'smoke',
    title: 'The module changed its input folder',
    hint: 'Treat $MERCURE_IN_DIR as read-only: mercure may retain or re-route the input after the module ran.',
  },
  'output-not-chainable': {
    severity: 'error',
    stage: 'smoke',
    title: 'The output is not a valid input for a next module',
    hint: 'Write DICOM files flat into $MERCURE_OUT_DIR, each with SeriesInstanceUID and SOPInstanceUID, so a chained module can read them.',
  },
  'routing-invalid': {
    severity: 'error',
    stage: 'smoke',
    title: 'result.json has a __mercure_routing directive mercure misreads',
    hint: 'Write __mercure_routing as an object: "discard" and "use_alternate_target" true or false (JSON booleans), "target" a name or a list of names.',
  },
  'routing-target-unknown': {
    severity: 'error',
    stage: 'smoke',
    title: "A dynamic-routing target is not one of the server's targets",
    hint: "Use target names the server defines (see --targets); with any unknown name mercure keeps the rule's static target.",
  },
  'routing-directive': {
    severity: 'warning',
    stage: 'smoke',
    title: 'result.json asks mercure to route the case (not in mercure 0.4.1)',
    hint: 'Dynamic routing needs mercure after 0.4.1 and a rule with dynamic_routing enabled; 0.4.1 dispatches to the static target.',
  },
  'notification-invalid': {
    severity: 'error',
    stage: 'smoke',
    title: 'result.json has a __mercure_notification mercure misreads',
    hint: 'Write __mercure_notification as an object: "text" a string, "requested" true or false (a JSON boolean).',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type FindingCode = keyof typeof FINDING_CATALOGUE;

export const FINDING_CODES = Object.keys(FINDING_CATALOGUE) as FindingCode[];
