import { describeInputCases, plainWorlds } from "../input-cases.js";

describeInputCases("lock-check", plainWorlds["lock-check"]);
