// A moto server per file and a CLI subprocess per test are far slower than a synth.
jest.setTimeout(120_000);
