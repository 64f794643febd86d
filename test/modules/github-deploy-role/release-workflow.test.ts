import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEFAULT_TERRAFORM } from "../../../modules/release-pipeline/buildspec";

interface Step {
  readonly name: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}

const path = join(__dirname, "..", "..", "..", "examples", "github-actions", "release.yml");
const workflow = parse(readFileSync(path, "utf8"));
const job = workflow.jobs.release;
const steps: Step[] = job.steps;
const step = (name: string): Step => {
  const found = steps.find((s) => s.name === name);
  if (!found) {
    throw new Error(`no step '${name}'`);
  }
  return found;
};
const indexOf = (name: string) => steps.indexOf(step(name));

describe("the GitHub Actions release workflow (examples/github-actions/release.yml)", () => {
  it("runs on pushes to main and develop", () => {
    expect(workflow.on).toEqual({ push: { branches: ["main", "develop"] } });
  });

  it("may ask for an OIDC token and read the repository, nothing more", () => {
    expect(workflow.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  it("never cancels a release in progress, one per branch at a time", () => {
    expect(workflow.concurrency).toEqual({
      group: "release-${{ github.ref_name }}",
      "cancel-in-progress": false,
    });
  });

  it("deploys prod from main and stg from develop, each with its own role", () => {
    expect(job.env.STACK).toBe("${{ github.ref_name == 'main' && 'prod' || 'stg' }}");
    expect(job.env.DEPLOY_ROLE_ARN).toBe(
      "${{ github.ref_name == 'main' && vars.PROD_DEPLOY_ROLE_ARN || vars.STG_DEPLOY_ROLE_ARN }}",
    );
    expect(job.env).toMatchObject({ CHECKPOINT_DISABLE: "1", CDKTF_DISABLE_TELEMETRY: "1" });
    // An environment would change the token's subject, which the role would refuse.
    expect(job).not.toHaveProperty("environment");
  });

  it("assumes the deploy role with configure-aws-credentials, for at most an hour", () => {
    const credentials = step("Assume the deploy role");
    expect(credentials.uses).toMatch(/^aws-actions\/configure-aws-credentials@v\d+$/);
    expect(credentials.with).toMatchObject({
      "role-to-assume": "${{ env.DEPLOY_ROLE_ARN }}",
      "role-duration-seconds": 3600,
      "aws-region": "${{ vars.AWS_REGION }}",
    });
    expect(indexOf("Assume the deploy role")).toBeGreaterThan(indexOf("Check out the commit"));
  });

  it("logs in to ECR, tags with the commit's first 7 characters, builds and pushes", () => {
    expect(step("Log in to ECR")).toMatchObject({
      id: "ecr",
      uses: expect.stringMatching(/^aws-actions\/amazon-ecr-login@v\d+$/),
    });
    const tag = step("Tag the image with the commit").run!;
    expect(tag).toContain("TAG=${GITHUB_SHA::7}");
    expect(tag).toContain('echo "TAG=$TAG" >> "$GITHUB_ENV"');
    expect(tag).toContain(
      'echo "IMAGE=${{ steps.ecr.outputs.registry }}/$IMAGE_REPOSITORY:$TAG" >> "$GITHUB_ENV"',
    );
    const build = step("Build and push the image").run!;
    expect(build).toContain('docker build -t "$IMAGE" -f Dockerfile .');
    expect(build).toContain('docker push "$IMAGE"');
    expect(build.indexOf("docker build")).toBeLessThan(build.indexOf("docker push"));
    expect(build).toMatch(/aws ecr describe-images .*imageTag="\$TAG"/);
    expect(indexOf("Log in to ECR")).toBeGreaterThan(indexOf("Assume the deploy role"));
    expect(indexOf("Tag the image with the commit")).toBeGreaterThan(indexOf("Log in to ECR"));
    expect(indexOf("Build and push the image")).toBe(indexOf("Tag the image with the commit") + 1);
  });

  it("installs Node 20, the packages and the pinned Terraform, then deploys with the tag", () => {
    expect(step("Set up Node.js")).toMatchObject({
      uses: expect.stringMatching(/^actions\/setup-node@v\d+$/),
      with: { "node-version": 20 },
    });
    expect(step("Install packages").run).toBe("npm ci --no-audit --no-fund");
    expect(step("Set up Terraform")).toMatchObject({
      uses: expect.stringMatching(/^hashicorp\/setup-terraform@v\d+$/),
      with: { terraform_version: DEFAULT_TERRAFORM.version, terraform_wrapper: false },
    });
    expect(step("Deploy the stack with the new image").run).toBe(
      'npx cdktf deploy "$STACK" --auto-approve --var image_tag=$TAG',
    );
    expect(steps.map((s) => s.name).slice(-4)).toEqual([
      "Set up Node.js",
      "Install packages",
      "Set up Terraform",
      "Deploy the stack with the new image",
    ]);
    expect(indexOf("Set up Node.js")).toBeGreaterThan(indexOf("Build and push the image"));
  });

  describe("the tag, run by bash", () => {
    const [assign, check] = step("Tag the image with the commit").run!.split("\n");
    const run = (sha: string) =>
      execFileSync("bash", ["-c", `${assign}\n${check}\necho "$TAG"`], {
        env: { ...process.env, GITHUB_SHA: sha },
        stdio: ["ignore", "pipe", "pipe"],
      }).toString();

    it("is the first 7 characters of the commit", () => {
      expect(run("0123abcd0123abcd0123abcd0123abcd0123abcd")).toBe("0123abc\n");
    });

    it("fails the job when the SHA is not a commit hash", () => {
      expect(() => run("not-a-sha")).toThrow(/is not a commit hash/);
    });
  });
});
