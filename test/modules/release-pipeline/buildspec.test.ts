import { execFileSync } from "node:child_process";
import { parse } from "yaml";
import {
  DEFAULT_TERRAFORM,
  releaseBuildspec,
  renderBuildspec,
  validateTerraformRelease,
} from "../../../modules/release-pipeline/buildspec";

describe("releaseBuildspec", () => {
  describe("given an environment and the defaults", () => {
    const buildspec = releaseBuildspec({ environment: "prod" });
    const text = renderBuildspec(buildspec);
    const parsed = parse(text);

    it("renders YAML that parses back to the same buildspec", () => {
      expect(parsed).toEqual(buildspec);
      expect(parsed.version).toBe(0.2);
    });

    it("runs the phases in order, each aborting the build on a failed command", () => {
      expect(Object.keys(parsed.phases)).toEqual(["install", "pre_build", "build", "post_build"]);
      for (const phase of Object.values(parsed.phases)) {
        expect(phase).toMatchObject({ "on-failure": "ABORT" });
      }
    });

    it("turns off cdktf's and Terraform's telemetry for every command", () => {
      expect(parsed.env).toEqual({
        shell: "bash",
        variables: { CHECKPOINT_DISABLE: "1", CDKTF_DISABLE_TELEMETRY: "1" },
      });
    });

    it("installs Node 20, a checksum-verified Terraform, then the project's packages", () => {
      expect(parsed.phases.install["runtime-versions"]).toEqual({ nodejs: 20 });
      expect(parsed.phases.install.commands).toEqual([
        "curl -fsSL --retry 3 -o /tmp/terraform.zip https://releases.hashicorp.com/terraform/1.11.4/terraform_1.11.4_linux_amd64.zip",
        'echo "1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc  /tmp/terraform.zip" | sha256sum -c -',
        "unzip -o -q /tmp/terraform.zip terraform -d /usr/local/bin",
        "terraform version",
        "npm ci --no-audit --no-fund",
      ]);
    });

    it("tags with the commit cut to 7 characters, checks the tag, then logs in to ECR", () => {
      const commands: string[] = parsed.phases.pre_build.commands;
      expect(commands[0]).toBe('TAG=$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c1-7)');
      expect(commands[1]).toMatch(
        /^echo "\$TAG" \| grep -Eq '\^\[0-9a-f\]\{7\}\$' \|\| \{ .*exit 1; \}$/,
      );
      expect(commands[2]).toBe('IMAGE_REGISTRY=$(echo "$IMAGE_REPOSITORY_URL" | cut -d/ -f1)');
      expect(commands[3]).toBe(
        'aws ecr get-login-password | docker login --username AWS --password-stdin "$IMAGE_REGISTRY"',
      );
      expect(commands[4]).toBe(
        'if aws ecr describe-images --repository-name "$IMAGE_REPOSITORY_NAME" --image-ids imageTag="$TAG" > /dev/null 2>&1; then IMAGE_PUSHED=yes; else IMAGE_PUSHED=no; fi',
      );
      expect(commands).toHaveLength(5);
    });

    it("builds the image with the tag from the Dockerfile at the root, unless it is pushed already", () => {
      expect(parsed.phases.build.commands).toEqual([
        'if [ "$IMAGE_PUSHED" = yes ]; then echo "$IMAGE_REPOSITORY_URL:$TAG is pushed already"; else docker build -t "$IMAGE_REPOSITORY_URL:$TAG" -f Dockerfile .; fi',
      ]);
    });

    it("after a successful build, pushes the tag, then deploys the stack with it", () => {
      expect(parsed.phases.post_build.commands).toEqual([
        '[ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ]',
        'if [ "$IMAGE_PUSHED" = no ]; then docker push "$IMAGE_REPOSITORY_URL:$TAG"; fi',
        "npx cdktf deploy prod --auto-approve --var image_tag=$TAG",
      ]);
    });

    it("holds nothing Terraform would read as interpolation, and folds no line", () => {
      expect(text).not.toMatch(/[$%]\{/);
      const longest = Math.max(...text.split("\n").map((line) => line.length));
      expect(longest).toBeGreaterThan(120);
      expect(text.split("\n").filter((line) => line.trim().startsWith("- ")).length).toBe(14);
    });
  });

  it("builds another Dockerfile and context, and deploys the environment given", () => {
    const buildspec = releaseBuildspec({
      environment: "stg",
      dockerfile: "jobs/report/Dockerfile",
      buildContext: "jobs/report",
    });
    expect(buildspec.phases.build.commands[0]).toContain(
      'docker build -t "$IMAGE_REPOSITORY_URL:$TAG" -f jobs/report/Dockerfile jobs/report;',
    );
    expect(buildspec.phases.post_build.commands[2]).toBe(
      "npx cdktf deploy stg --auto-approve --var image_tag=$TAG",
    );
  });

  it("installs the Terraform release given, checked against its digest", () => {
    const digest = "a".repeat(64);
    const { install } = releaseBuildspec({
      environment: "prod",
      terraform: { version: "1.12.2", linuxAmd64Sha256: digest },
    }).phases;
    expect(install.commands[0]).toContain("/terraform/1.12.2/terraform_1.12.2_linux_amd64.zip");
    expect(install.commands[1]).toBe(`echo "${digest}  /tmp/terraform.zip" | sha256sum -c -`);
  });

  describe("the tag check, run by bash", () => {
    const check = releaseBuildspec({ environment: "prod" }).phases.pre_build.commands.slice(0, 2);
    const run = (commit: string) =>
      execFileSync("bash", ["-c", `${check.join("\n")}\necho "$TAG"`], {
        env: { ...process.env, CODEBUILD_RESOLVED_SOURCE_VERSION: commit },
        stdio: ["ignore", "pipe", "pipe"],
      }).toString();

    it("accepts a commit hash and keeps its first 7 characters", () => {
      expect(run("1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b")).toBe("1a2b3c4\n");
    });

    it.each([["main"], [""], ["1A2B3C4D"]])("fails on '%s', which is not a commit", (commit) => {
      expect(() => run(commit)).toThrow(/is not a commit hash/);
    });
  });
});

describe("validateTerraformRelease", () => {
  it("accepts the default release", () => {
    expect(() => validateTerraformRelease(DEFAULT_TERRAFORM)).not.toThrow();
  });

  it.each<[string, { version: string; linuxAmd64Sha256: string }, RegExp]>([
    [
      "a version that is not x.y.z",
      { version: "latest", linuxAmd64Sha256: "a".repeat(64) },
      /'latest' is not a Terraform version like '1.11.4'/,
    ],
    [
      "a digest that is not 64 hex characters",
      { version: "1.11.4", linuxAmd64Sha256: "abc" },
      /'abc' is not a SHA-256 digest: 64 lower-case hex characters/,
    ],
  ])("rejects %s", (_, release, message) => {
    expect(() => validateTerraformRelease(release)).toThrow(message);
  });
});
