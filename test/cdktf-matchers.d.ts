// Types of the cdktf jest matchers installed by Testing.setupJest() in test/setup.ts. cdktf
// declares them for jest's old one-parameter Matchers<R>, which @types/jest 30 does not merge.
import type { TerraformConstructor } from "cdktf/lib/testing/matchers";

declare global {
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
    interface Matchers<R, T = {}> {
      toHaveResource(resourceConstructor: TerraformConstructor): R;
      toHaveResourceWithProperties(
        resourceConstructor: TerraformConstructor,
        properties: Record<string, unknown>,
      ): R;
      toHaveDataSource(dataSourceConstructor: TerraformConstructor): R;
      toHaveDataSourceWithProperties(
        dataSourceConstructor: TerraformConstructor,
        properties: Record<string, unknown>,
      ): R;
      toHaveProvider(providerConstructor: TerraformConstructor): R;
      toHaveProviderWithProperties(
        providerConstructor: TerraformConstructor,
        properties: Record<string, unknown>,
      ): R;
    }
  }
}
