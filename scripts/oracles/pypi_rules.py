"""PyPI's upload rules, replayed: Warehouse's forklift (legacy.py file_upload, metadata.py) on the
form twine sends and on the file, with packaging, trove-classifiers, email-validator, rfc3986 and
readme_renderer as Warehouse uses them. refusal() gives Warehouse's first refusal, or None.
"""

import email.utils
import os
import re
import tarfile
import zipfile

import email_validator
import packaging.utils
from packaging.metadata import (
    _LIST_FIELDS,
    _RAW_TO_EMAIL_MAPPING,
    _STRING_FIELDS,
    InvalidMetadata,
    Metadata,
    _parse_keywords,
    _parse_project_urls,
)
from packaging.requirements import InvalidRequirement, Requirement
from rfc3986 import exceptions as uri_errors
from rfc3986 import uri_reference, validators
from trove_classifiers import all_classifiers, deprecated_classifiers

SEE = "See https://packaging.python.org/specifications/core-metadata for more information."
SUPPORTED = {"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}
NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.I)
DYNAMIC = {
    f.lower()
    for f in (
        "Platform Supported-Platform Summary Description Description-Content-Type Keywords "
        "Home-Page Download-Url Author Author-Email Maintainer Maintainer-Email License "
        "License-Expression License-File Classifier Requires-Dist Requires-Python "
        "Requires-External Project-Url Provides-Extra Provides-Dist Obsoletes-Dist Requires "
        "Provides Obsoletes Import-Name Import-Namespace"
    ).split()
}
OVERRIDE = {
    "platforms": "platform",
    "supported_platforms": "supported_platform",
    "license_files": "license_file",
    "import_names": "import_name",
    "import_namespaces": "import_namespace",
}
FORM_TO_RAW = {OVERRIDE.get(k, k): k for k in _RAW_TO_EMAIL_MAPPING}

MAC_ARCHES = set("ppc ppc64 i386 x86_64 arm64 intel fat fat3 fat64 universal universal2".split())
MAC_MAJORS = {"11", "12", "13", "14", "15", "26"}
LINUX_ARCHES = set("x86_64 i686 aarch64 armv7l ppc64le s390x riscv64".split())
LISTED = set(
    "any win32 win_arm64 win_amd64 win_ia64 manylinux1_x86_64 manylinux1_i686 "
    "manylinux2010_x86_64 manylinux2010_i686 manylinux2014_x86_64 manylinux2014_i686 "
    "manylinux2014_aarch64 manylinux2014_armv7l manylinux2014_ppc64 manylinux2014_ppc64le "
    "manylinux2014_s390x linux_armv6l linux_armv7l".split()
)


class Refused(Exception):
    pass


def valid_platform_tag(tag):
    if tag in LISTED:
        return True
    m = re.match(r"^macosx_(\d+)_(\d+)_(.*)$", tag)
    if m:
        major, minor, arch = m.groups()
        return arch in MAC_ARCHES and (major == "10" or (major in MAC_MAJORS and minor == "0"))
    m = re.match(r"^(many|musl)linux_\d+_\d+_(.*)$", tag)
    if m:
        return m.group(2) in LINUX_ARCHES or (m.group(1) == "many" and m.group(2) == "ppc64")
    m = re.match(r"^ios_\d+_\d+_(.*)_(?:iphoneos|iphonesimulator)$", tag)
    if m:
        return m.group(1) in {"arm64", "x86_64"}
    m = re.match(r"^android_\d+_(.*)$", tag)
    return bool(m) and m.group(1) in {"armeabi_v7a", "arm64_v8a", "x86", "x86_64"}


def is_valid_uri(uri):
    validator = validators.Validator().allow_schemes("http", "https")
    validator.require_presence_of("scheme")
    validator.check_validity_of("scheme", "host", "port", "path", "query")
    try:
        validator.validate(uri_reference(uri).normalize())
    except uri_errors.ValidationError:
        return False
    return True


def multidict(fields):
    """The POST as Warehouse keeps it: a key whose last value is UNKNOWN is deleted."""
    form = {}
    for key, value in fields:
        form.setdefault(key, []).append(value)
    return {k: v for k, v in form.items() if v[-1].strip() != "UNKNOWN"}


def first_error(errors):
    by_field = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error)
    field = next(
        (f for f in ["metadata-version", "name", "version"] if f in by_field),
        sorted(by_field)[0],
    )
    message = str(by_field[field][0])
    return f"{message}{'' if message.endswith('.') else '.'} {SEE}"


def upload_form(form):
    one = lambda key: (form.get(key) or [None])[-1]  # noqa: E731
    name, filetype, pyversion = one("name"), one("filetype"), one("pyversion")
    if not name:
        raise Refused(f"'' is an invalid value for Name. Error: This field is required. {SEE}")
    if not NAME_RE.match(name):
        raise Refused(f"{name!r} is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'. {SEE}")
    if filetype not in {"sdist", "bdist_wheel"}:
        raise Refused("Invalid value for filetype. Error: Use a known file type.")
    if filetype != "sdist" and not pyversion:
        raise Refused("Error: Python version is required for binary distribution uploads.")
    if filetype == "sdist" and pyversion and pyversion != "source":
        raise Refused("Error: Use 'source' as Python version for an sdist.")


def form_metadata(form):
    raw, unparsed = {}, {}
    for name, value in form.items():
        raw_name = FORM_TO_RAW.get(name)
        if raw_name is None or value == [""]:
            continue
        if raw_name in _STRING_FIELDS and len(value) == 1:
            raw[raw_name] = value[0]
        elif raw_name in _LIST_FIELDS:
            raw[raw_name] = value
        elif raw_name == "keywords" and len(value) == 1:
            raw[raw_name] = _parse_keywords(value[0])
        elif raw_name == "project_urls":
            try:
                raw[raw_name] = _parse_project_urls(value)
            except KeyError:
                unparsed[name] = value
        else:
            unparsed[name] = value
    if unparsed:
        raise Refused(first_error([InvalidMetadata(k, f"{k!r} has invalid data") for k in unparsed]))
    try:
        return Metadata.from_raw(raw)
    except ExceptionGroup as group:
        raise Refused(first_error(list(group.exceptions)))


def warehouse_errors(meta):
    errors = []
    add = lambda field, message: errors.append(InvalidMetadata(field, message))  # noqa: E731
    if meta.metadata_version not in SUPPORTED:
        add("metadata-version", f"{meta.metadata_version!r} is not a valid metadata version")
    if meta.version.local:
        add("version", f"The use of local versions in '{meta.version}' is not allowed.")
    if isinstance(meta.summary, str) and len(meta.summary) > 512:
        add("summary", "'summary' field must be 512 characters or less.")
    for field in ("author_email", "maintainer_email"):
        addr = getattr(meta, field)
        if addr is not None:
            _, address = email.utils.parseaddr(addr)
            if address:
                try:
                    email_validator.validate_email(address, check_deliverability=False)
                except email_validator.EmailNotValidError as exc:
                    add(_RAW_TO_EMAIL_MAPPING[field], f"{address!r} is not a valid email address: {exc}")
    classifiers = set(meta.classifiers or [])
    for classifier in sorted(classifiers - set(all_classifiers)):
        add("classifier", f"{classifier!r} is not a valid classifier.")
    for classifier in sorted(classifiers & deprecated_classifiers.keys()):
        add("classifier", f"The classifier {classifier!r} has been deprecated.")
    for field in ("home_page", "download_url"):
        url = getattr(meta, field)
        if url is not None and not is_valid_uri(url):
            add(_RAW_TO_EMAIL_MAPPING[field], f"{url!r} is not a valid url.")
    for label, url in (meta.project_urls or {}).items():
        if not label:
            add("project-url", "Must have a label")
        elif len(label) > 32:
            add("project-url", f"{label!r} must be 32 characters or less.")
        elif not url:
            add("project-url", "Must have a URL")
        elif not is_valid_uri(url):
            add("project-url", f"{url!r} is not a valid url")
    for field in ("provides_dist", "obsoletes_dist"):
        for text in getattr(meta, field) or []:
            try:
                req = Requirement(text)
            except InvalidRequirement as exc:
                add(_RAW_TO_EMAIL_MAPPING[field], f"{text!r} is invalid: {exc}")
            else:
                if req.url is not None:
                    add(_RAW_TO_EMAIL_MAPPING[field], f"Can't have direct dependency: {text!r}")
    for req in meta.requires_dist or []:
        if req.url is not None:
            add("requires-dist", f"Can't have direct dependency: {req}")
    for key in meta.dynamic or []:
        if key not in DYNAMIC:
            add("dynamic", f"Dynamic field {key!r} is not a valid dynamic field.")
    if meta.license and meta.license_expression:
        add("license", "License is deprecated when License-Expression is present. Only License-Expression should be present.")
    if errors:
        raise Refused(first_error(errors))


def check_description(meta):
    if not meta.description:
        return
    content_type = meta.description_content_type or "text/x-rst"
    if content_type.split(";")[0].strip().lower() != "text/x-rst":
        return
    import readme_renderer.rst

    if readme_renderer.rst.render(meta.description, stream=open(os.devnull, "w")) is None:
        raise Refused("The description failed to render in the default format of reStructuredText.")


def check_file(path, meta, filetype):
    filename = os.path.basename(path)
    if not re.match(r".+?\.(tar\.gz|zip|whl)$", filename, re.I) or (filetype == "bdist_wheel") != filename.endswith(".whl"):
        raise Refused("Invalid file extension: Use .tar.gz, .whl or .zip extension.")
    project = packaging.utils.canonicalize_name(meta.name)
    underscored = project.replace("-", "_")
    if filename.endswith(".whl"):
        name, version = filename.split("-")[:2]
        with zipfile.ZipFile(path) as zfp:
            names = set(zfp.namelist())
        if f"{name}-{version}.dist-info/WHEEL" not in names:
            raise Refused(f"Invalid distribution file. WHEEL not found at {name}-{version}.dist-info/WHEEL")
        try:
            wheel_name, wheel_version, _, tags = packaging.utils.parse_wheel_filename(filename)
        except packaging.utils.InvalidWheelFilename as error:
            raise Refused(str(error))
        for tag in tags:
            if not valid_platform_tag(tag.platform):
                raise Refused(f"Binary wheel '{filename}' has an unsupported platform tag '{tag.platform}'.")
        if project != wheel_name:
            raise Refused(f"Start filename for {meta.name!r} with {underscored!r}.")
        if name != underscored:
            raise Refused(f"Filename {filename!r} should contain the normalized project name {underscored!r}, not {name!r}.")
        if meta.version != wheel_version:
            raise Refused(f"Version in filename should be {str(meta.version)!r} not {str(wheel_version)!r}.")
        for license_file in meta.license_files or []:
            target = f"{name}-{version}.dist-info/licenses/{license_file}"
            if target not in names:
                raise Refused(f"License-File {license_file} does not exist in distribution file {filename} at {target}")
        if f"{name}-{version}.dist-info/RECORD" not in names:
            raise Refused(f"Wheel '{filename}' does not contain the required RECORD file")
        if f"{name}-{version}.dist-info/METADATA" not in names:
            raise Refused(f"Wheel '{filename}' does not contain the required METADATA file")
        return
    with tarfile.open(path, "r:gz") as tar:
        members = tar.getnames()
        top = os.path.commonprefix(members)
        if top in [".", "/", ""]:
            raise Refused("Invalid distribution file. Incorrect number of top-level directories in sdist")
        if os.path.join(top, "PKG-INFO") not in members:
            raise Refused(f"Invalid distribution file. PKG-INFO not found at {os.path.join(top, 'PKG-INFO')}")
        try:
            sdist_name, _ = packaging.utils.parse_sdist_filename(filename)
        except packaging.utils.InvalidSdistFilename:
            raise Refused(f"Invalid source distribution filename: {filename}")
        if packaging.utils.canonicalize_name(sdist_name) != project:
            raise Refused(f"Start filename for {meta.name!r} with {underscored!r}.")
        expected = f"{underscored}-{meta.version}.tar.gz"
        if filename != expected:
            raise Refused(f"Filename {filename!r} is invalid, should be {expected!r}.")
        for license_file in meta.license_files or []:
            if os.path.join(top, license_file) not in members:
                raise Refused(f"License-File {license_file} does not exist in distribution file {filename}")


def refusal(path, fields):
    """Warehouse's first refusal of this upload, or None when PyPI takes it."""
    form = multidict(fields)
    try:
        upload_form(form)
        meta = form_metadata(form)
        warehouse_errors(meta)
        check_description(meta)
        check_file(path, meta, form["filetype"][-1])
    except Refused as refused:
        return str(refused)
    return None
