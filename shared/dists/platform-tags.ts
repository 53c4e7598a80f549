/** The wheel platform tags PyPI accepts (Warehouse's forklift `_valid_platform_tag`). */

const listed = new Set([
  "any",
  "win32",
  "win_arm64",
  "win_amd64",
  "win_ia64",
  "manylinux1_x86_64",
  "manylinux1_i686",
  "manylinux2010_x86_64",
  "manylinux2010_i686",
  "manylinux2014_x86_64",
  "manylinux2014_i686",
  "manylinux2014_aarch64",
  "manylinux2014_armv7l",
  "manylinux2014_ppc64",
  "manylinux2014_ppc64le",
  "manylinux2014_s390x",
  "linux_armv6l",
  "linux_armv7l",
]);
const macArches = new Set(
  "ppc ppc64 i386 x86_64 arm64 intel fat fat3 fat64 universal universal2".split(" "),
);
/** macOS 11 and later are `macosx_{major}_0`; 10.x keeps its minor. */
const macMajors = new Set(["11", "12", "13", "14", "15", "26"]);
const linuxArches = new Set("x86_64 i686 aarch64 armv7l ppc64le s390x riscv64".split(" "));
const iosArches = new Set(["arm64", "x86_64"]);
const androidArches = new Set(["armeabi_v7a", "arm64_v8a", "x86", "x86_64"]);

export function isPypiPlatform(tag: string): boolean {
  if (listed.has(tag)) return true;
  const mac = /^macosx_(\d+)_(\d+)_(.*)$/.exec(tag);
  if (mac) {
    const [, major, minor, arch] = mac;
    return macArches.has(arch) && (major === "10" || (macMajors.has(major) && minor === "0"));
  }
  const linux = /^(many|musl)linux_\d+_\d+_(.*)$/.exec(tag);
  if (linux) return linuxArches.has(linux[2]) || (linux[1] === "many" && linux[2] === "ppc64");
  const ios = /^ios_\d+_\d+_(.*)_(?:iphoneos|iphonesimulator)$/.exec(tag);
  if (ios) return iosArches.has(ios[1]);
  const android = /^android_\d+_(.*)$/.exec(tag);
  return android !== null && androidArches.has(android[1]);
}
