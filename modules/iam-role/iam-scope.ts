import { TerraformStack } from "cdktf";
import { IConstruct } from "constructs";

/** What the IAM roles and managed policies made in a scope share. */
export interface IamScopeProps {
  /** Starts the name of every role and managed policy made in the scope, e.g. `prod-`: a
   * deployer whose permissions are written as `role/prod-*` can then manage exactly these. A name
   * that already starts with it is kept as it is.
   * @default no prefix */
  readonly namePrefix?: string;
  /** IAM path of every role and managed policy made in the scope, e.g. `/ecs-batch-release/`:
   * ARNs are `role/<path><name>`, so a path sets IAM resources apart from a name pattern.
   * @default "/" */
  readonly path?: string;
  /** ARN of the permissions boundary every role made in the scope carries: whatever policies the
   * role gets, it can never do more than the boundary allows.
   * @default no boundary */
  readonly permissionsBoundaryArn?: string;
}

/**
 * The IAM conventions of a scope (usually a stack): the name prefix, path and permissions
 * boundary of every role and managed policy made in it, for {@link IamRole} and the policies of
 * this library to apply. Set them before the roles are made, e.g. right after the stack:
 *
 *     const stack = new TerraformStack(app, "prod");
 *     IamScope.of(stack).apply({ namePrefix: "prod-", permissionsBoundaryArn: boundaryArn });
 *
 * Role names are unique in an account: every name an {@link IamRole} takes is recorded per stack,
 * and a second role of the same name fails the synth, naming both constructs.
 */
export class IamScope {
  /** The IAM conventions in force at `scope`: its own, or its nearest parent's. */
  static of(scope: IConstruct): IamScope {
    return new IamScope(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /** Sets the conventions of this scope and of everything made in it from now on. */
  apply(props: IamScopeProps): void {
    applied.set(this.scope, props);
  }

  /** The conventions of the nearest scope, from this one up, that has some. */
  private get props(): IamScopeProps {
    const scopes = this.scope.node.scopes;
    for (let i = scopes.length - 1; i >= 0; i--) {
      const props = applied.get(scopes[i]);
      if (props !== undefined) {
        return props;
      }
    }
    return {};
  }

  get namePrefix(): string {
    return this.props.namePrefix ?? "";
  }

  get path(): string | undefined {
    return this.props.path;
  }

  get permissionsBoundaryArn(): string | undefined {
    return this.props.permissionsBoundaryArn;
  }

  /** `base` under the scope's name prefix: `jobs-execution` -> `prod-jobs-execution`. */
  name(base: string): string {
    const prefix = this.namePrefix;
    return base.startsWith(prefix) ? base : `${prefix}${base}`;
  }

  /**
   * Records that the construct at `path` takes the role name `name`; returns the path of the
   * construct that took it first, if another one did.
   */
  claimRoleName(name: string, path: string): string | undefined {
    const stack = TerraformStack.of(this.scope);
    const names = roleNames.get(stack) ?? new Map<string, string>();
    roleNames.set(stack, names);
    const owner = names.get(name);
    if (owner === undefined) {
      names.set(name, path);
    }
    return owner === path ? undefined : owner;
  }
}

const applied = new WeakMap<IConstruct, IamScopeProps>();
const roleNames = new WeakMap<TerraformStack, Map<string, string>>();
