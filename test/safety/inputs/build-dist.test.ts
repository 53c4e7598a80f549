import { describeInputCases, plainWorlds } from "../input-cases.js";

describeInputCases("build-dist", plainWorlds["build-dist"]);
