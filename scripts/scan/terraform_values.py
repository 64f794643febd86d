"""Plausible values for the Terraform expressions in one Terraform JSON file.

The policy linter and the state machine validator read documents that cdktf (or the module
generator) wrote as Terraform string templates: `arn:${data.aws_partition.X.partition}:...`,
`${aws_sqs_queue.Y.arn}`, `${local.Z}`, `${jsonencode(var.arns)}`. Terraform fills them in at
apply time; here every expression becomes a value of the right shape (an SQS queue's ARN for a
queue's `arn`, 12 digits for an account id), so a linter that checks ARNs against the actions
they are granted for sees what AWS will see. An expression this file does not understand raises
UnknownExpression, naming it: a guess would let a linter pass something it never saw.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The account and region of a file whose AWS provider names none (a plain Terraform module).
ACCOUNT = "123456789012"
REGION = "ap-northeast-1"
PARTITION = "aws"


class UnknownExpression(Exception):
    """An expression, or part of one, that has no plausible value here."""


@dataclass(frozen=True)
class ArnShape:
    """How a resource type's ARN and other attributes look.

    `arn` and each of `attributes` are templates: {partition}, {region}, {account} and {uuid}
    (a UUID made from the resource's logical id) are filled in; any other {placeholder} is the
    resource's own argument of that name (its `name`, `family`, `bucket`...), rendered in turn,
    or `defaults[placeholder]`, or else the logical id. The argument that names the resource is
    also readable as an attribute of the same name.
    """

    arn: str
    attributes: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    # Arguments whose leading "/" the ARN drops (an SSM parameter /a/b is parameter/a/b).
    strip_leading_slash: tuple[str, ...] = ()


_REGIONAL = "arn:{partition}:%s:{region}:{account}:%s"

# One table from resource type to ARN shape, for resources and for data sources of the same type.
ARN_SHAPES: dict[str, ArnShape] = {
    "aws_chatbot_slack_channel_configuration": ArnShape(
        "arn:{partition}:chatbot::{account}:chat-configuration/slack-channel/{configuration_name}"
    ),
    "aws_cloudwatch_event_bus": ArnShape(_REGIONAL % ("events", "event-bus/{name}")),
    "aws_cloudwatch_event_rule": ArnShape(
        _REGIONAL % ("events", "rule/{name}"),
    ),
    "aws_cloudwatch_log_group": ArnShape(_REGIONAL % ("logs", "log-group:{name}")),
    "aws_cloudwatch_metric_alarm": ArnShape(_REGIONAL % ("cloudwatch", "alarm:{alarm_name}")),
    "aws_codebuild_project": ArnShape(_REGIONAL % ("codebuild", "project/{name}")),
    "aws_codepipeline": ArnShape(_REGIONAL % ("codepipeline", "{name}")),
    "aws_codestarconnections_connection": ArnShape(
        _REGIONAL % ("codestar-connections", "connection/{uuid}")
    ),
    "aws_ecr_repository": ArnShape(
        _REGIONAL % ("ecr", "repository/{name}"),
        attributes={"repository_url": "{account}.dkr.ecr.{region}.amazonaws.com/{name}"},
    ),
    "aws_ecs_cluster": ArnShape(
        _REGIONAL % ("ecs", "cluster/{name}"),
    ),
    "aws_ecs_task_definition": ArnShape(
        _REGIONAL % ("ecs", "task-definition/{family}:1"),
        attributes={
            "arn_without_revision": _REGIONAL % ("ecs", "task-definition/{family}"),
            "revision": "1",
        },
    ),
    "aws_iam_openid_connect_provider": ArnShape(
        "arn:{partition}:iam::{account}:oidc-provider/{url}",
        defaults={"url": "token.actions.githubusercontent.com"},
    ),
    "aws_iam_policy": ArnShape(
        "arn:{partition}:iam::{account}:policy{path}{name}", defaults={"path": "/"}
    ),
    "aws_iam_role": ArnShape(
        "arn:{partition}:iam::{account}:role{path}{name}", defaults={"path": "/"}
    ),
    "aws_kms_alias": ArnShape(_REGIONAL % ("kms", "{name}")),
    "aws_kms_key": ArnShape(_REGIONAL % ("kms", "key/{uuid}"), attributes={"key_id": "{uuid}"}),
    "aws_lambda_function": ArnShape(_REGIONAL % ("lambda", "function:{function_name}")),
    "aws_s3_bucket": ArnShape("arn:{partition}:s3:::{bucket}", attributes={"id": "{bucket}"}),
    "aws_scheduler_schedule": ArnShape(
        _REGIONAL % ("scheduler", "schedule/{group_name}/{name}"),
        defaults={"group_name": "default"},
    ),
    "aws_scheduler_schedule_group": ArnShape(_REGIONAL % ("scheduler", "schedule-group/{name}")),
    "aws_secretsmanager_secret": ArnShape(_REGIONAL % ("secretsmanager", "secret:{name}-AbCdEf")),
    "aws_sfn_state_machine": ArnShape(_REGIONAL % ("states", "stateMachine:{name}")),
    "aws_sns_topic": ArnShape(_REGIONAL % ("sns", "{name}")),
    "aws_sqs_queue": ArnShape(
        _REGIONAL % ("sqs", "{name}"),
        attributes={"url": "https://sqs.{region}.amazonaws.com/{account}/{name}"},
    ),
    "aws_ssm_parameter": ArnShape(
        _REGIONAL % ("ssm", "parameter/{name}"), strip_leading_slash=("name",)
    ),
}

# Data sources that are not a resource looked up by name: what each attribute is.
DATA_SOURCE_VALUES: dict[str, dict[str, str]] = {
    "aws_caller_identity": {"account_id": "{account}", "id": "{account}"},
    "aws_partition": {
        "partition": "{partition}",
        "id": "{partition}",
        "dns_suffix": "amazonaws.com",
    },
    "aws_region": {"region": "{region}", "name": "{region}", "id": "{region}"},
}

# A data source that looks up a resource names it by another argument than the resource's.
DATA_SOURCE_NAME_ARGUMENTS: dict[str, dict[str, str]] = {
    "aws_ecs_cluster": {"name": "cluster_name"},
}

# Module variables that hold ARNs: the resource type whose ARN they hold. A variable whose name
# ends in _arn or _arns and is not here cannot be given a value: add it.
VARIABLE_ARN_TYPES: dict[str, str] = {
    "alarm_topic_arns": "aws_sns_topic",
    "cluster_arn": "aws_ecs_cluster",
    "cluster_arns": "aws_ecs_cluster",
    "ecr_repository_arns": "aws_ecr_repository",
    "log_kms_key_arn": "aws_kms_key",
    "notice_filter_arn": "aws_sfn_state_machine",
    "notice_filter_role_arn": "aws_iam_role",
    "task_role_arn": "aws_iam_role",
    "topic_arn": "aws_sns_topic",
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Placeholders that are not arguments of the resource.
_FILLED_IN = ("partition", "region", "account", "uuid")


def _fill(template: str, values: Callable[[str], str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values(match.group(1)), template)


def _stable_uuid(logical_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, logical_id))


class TerraformValues:
    """Renders the string templates of one Terraform JSON file with plausible values."""

    def __init__(self, configuration: dict[str, Any]) -> None:
        self._configuration = configuration
        self._locals_in_progress: list[str] = []
        # The stack's own account and region where its AWS provider names them, so that ARNs
        # written from references and ARNs written out in full agree.
        providers = configuration.get("provider", {}).get("aws", [])
        provider = providers[0] if isinstance(providers, list) and providers else {}
        accounts = provider.get("allowed_account_ids") if isinstance(provider, dict) else None
        region = provider.get("region") if isinstance(provider, dict) else None
        one_account = isinstance(accounts, list) and len(accounts) == 1
        self.account = (
            accounts[0] if one_account and re.fullmatch(r"\d{12}", str(accounts[0])) else ACCOUNT
        )
        self.region = region if isinstance(region, str) and "${" not in region else REGION
        if self.region.startswith("cn-"):
            self.partition = "aws-cn"
        elif self.region.startswith("us-gov-"):
            self.partition = "aws-us-gov"
        else:
            self.partition = PARTITION

    def render(self, template: str) -> str:
        """The template's text with every `${...}` replaced by its plausible value."""
        value = self._template(template)
        if not isinstance(value, str):
            return _as_text(value, template)
        return value

    # Templates --------------------------------------------------------------------------------

    def _template(self, template: str) -> Any:
        """A template's value: its text, or, when it is one interpolation alone, that value."""
        parts: list[Any] = []
        position = 0
        text: list[str] = []
        while position < len(template):
            if template.startswith("$${", position):
                text.append("${")
                position += 3
            elif template.startswith("%%{", position):
                text.append("%{")
                position += 3
            elif template.startswith("%{", position):
                raise UnknownExpression(f"template directive %{{...}} in {template[:80]!r}")
            elif template.startswith("${", position):
                end = _interpolation_end(template, position + 2)
                source = template[position + 2 : end].strip()
                if source.startswith("~") or source.endswith("~"):
                    raise UnknownExpression(f"strip marker in ${{{source}}}")
                if text:
                    parts.append("".join(text))
                    text = []
                parts.append(_Interpolation(source, self._expression(source)))
                position = end + 1
            else:
                text.append(template[position])
                position += 1
        if text:
            parts.append("".join(text))
        if len(parts) == 1 and isinstance(parts[0], _Interpolation):
            return parts[0].value
        return "".join(
            _as_text(part.value, part.source) if isinstance(part, _Interpolation) else part
            for part in parts
        )

    def _expression(self, source: str) -> Any:
        try:
            return _Parser(source, self).parse()({})
        except UnknownExpression as error:
            if f"${{{source}}}" in str(error):
                raise
            raise UnknownExpression(f"${{{source}}}: {error}") from None

    # References -------------------------------------------------------------------------------

    def reference(self, names: list[str]) -> Any:
        root = names[0]
        if root == "var" and len(names) == 2:
            return self._variable(names[1])
        if root == "local" and len(names) == 2:
            return self._local(names[1])
        if root == "data" and len(names) == 4:
            return self._data_source(names[1], names[2], names[3])
        if root.startswith("aws_") and len(names) == 3:
            return self._resource(names[0], names[1], names[2])
        raise UnknownExpression(f"reference {'.'.join(names)}")

    def _variable(self, name: str) -> Any:
        declaration = self._configuration.get("variable", {}).get(name)
        if declaration is None:
            raise UnknownExpression(f"var.{name} is not declared")
        declared_type = str(declaration.get("type", "string")).replace(" ", "")
        arn_type = VARIABLE_ARN_TYPES.get(name)
        if arn_type is not None:
            arn = self.arn(arn_type, {}, f"example-{_stem(name)}")
            if declared_type == "string":
                return arn
            if declared_type in ("list(string)", "set(string)"):
                return [arn]
            raise UnknownExpression(f"var.{name} holds ARNs but has type {declared_type}")
        if re.search(r"_arns?$", name):
            raise UnknownExpression(
                f"var.{name} holds an ARN of a kind VARIABLE_ARN_TYPES does not name"
            )
        default = declaration.get("default")
        if default is not None:
            return default
        if declared_type == "string":
            return f"example-{name.replace('_', '-')}"
        if declared_type == "number":
            return 1
        if declared_type == "bool":
            return False
        if declared_type in ("list(string)", "set(string)"):
            return [f"example-{name.replace('_', '-')}"]
        if _OBJECT_MAP.fullmatch(declared_type):
            return {f"example-{name.replace('_', '-')}": _example_object(name, declared_type)}
        raise UnknownExpression(f"var.{name} has type {declared_type} and no default")

    def _local(self, name: str) -> Any:
        locals_ = self._configuration.get("locals", {})
        if name not in locals_:
            raise UnknownExpression(f"local.{name} is not in the locals block")
        if name in self._locals_in_progress:
            raise UnknownExpression(f"local.{name} refers to itself")
        self._locals_in_progress.append(name)
        try:
            return self._value(locals_[name])
        finally:
            self._locals_in_progress.pop()

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._template(value)
        if isinstance(value, list):
            return [self._value(item) for item in value]
        if isinstance(value, dict):
            return {key: self._value(item) for key, item in value.items()}
        return value

    def _data_source(self, data_type: str, name: str, attribute: str) -> Any:
        block = self._configuration.get("data", {}).get(data_type, {}).get(name)
        if block is None:
            raise UnknownExpression(f"data.{data_type}.{name} is not declared")
        if data_type in DATA_SOURCE_VALUES:
            values = DATA_SOURCE_VALUES[data_type]
            if attribute not in values:
                raise UnknownExpression(f"attribute {attribute} of data.{data_type}")
            return values[attribute].format(
                account=self.account, region=self.region, partition=self.partition
            )
        renamed = DATA_SOURCE_NAME_ARGUMENTS.get(data_type, {})
        arguments = {key: block[argument] for key, argument in renamed.items() if argument in block}
        return self._attribute(data_type, name, {**block, **arguments}, attribute)

    def _resource(self, resource_type: str, name: str, attribute: str) -> Any:
        block = self._configuration.get("resource", {}).get(resource_type, {}).get(name)
        if block is None:
            raise UnknownExpression(f"{resource_type}.{name} is not declared")
        return self._attribute(resource_type, name, block, attribute)

    def _attribute(
        self, resource_type: str, name: str, block: dict[str, Any], attribute: str
    ) -> Any:
        shape = ARN_SHAPES.get(resource_type)
        if shape is None:
            raise UnknownExpression(f"{resource_type} has no ARN shape in ARN_SHAPES")
        if attribute == "arn":
            return self.arn(resource_type, block, name)
        if attribute in shape.attributes:
            return _fill(shape.attributes[attribute], self._placeholders(shape, block, name))
        if attribute in _PLACEHOLDER.findall(shape.arn) and attribute not in _FILLED_IN:
            return self._placeholders(shape, block, name)(attribute)
        raise UnknownExpression(f"attribute {attribute} of {resource_type}")

    def arn(self, resource_type: str, arguments: dict[str, Any], logical_id: str) -> str:
        """The ARN of a resource of the type with these arguments (its name, family...)."""
        shape = ARN_SHAPES.get(resource_type)
        if shape is None:
            raise UnknownExpression(f"{resource_type} has no ARN shape in ARN_SHAPES")
        return _fill(shape.arn, self._placeholders(shape, arguments, logical_id))

    def _placeholders(
        self, shape: ArnShape, block: dict[str, Any], logical_id: str
    ) -> Callable[[str], str]:
        def value(placeholder: str) -> str:
            if placeholder == "partition":
                return self.partition
            if placeholder == "region":
                return self.region
            if placeholder == "account":
                return self.account
            if placeholder == "uuid":
                return _stable_uuid(logical_id)
            if placeholder in block:
                text = (
                    self.render(block[placeholder]) if isinstance(block[placeholder], str) else None
                )
                if not isinstance(text, str):
                    raise UnknownExpression(
                        f"argument {placeholder} of {logical_id} is not a string"
                    )
                if placeholder in shape.strip_leading_slash:
                    text = text.lstrip("/")
                if placeholder == "url":
                    text = re.sub(r"^https://", "", text)
                return text
            return shape.defaults.get(placeholder, logical_id)

        return value


@dataclass(frozen=True)
class _Interpolation:
    source: str
    value: Any


_OBJECT_MAP = re.compile(r"map\(object\(\{(.*)\}\)\)")
_STRING_ATTRIBUTE = re.compile(r'([a-z_][a-z0-9_]*)=(?:string|optional\(string(?:,"[^"]*")?\))')


def _example_object(variable: str, declared_type: str) -> dict[str, str]:
    """An object of a `map(object({...}))` type whose attributes are strings, each one set."""
    attributes = _OBJECT_MAP.fullmatch(declared_type).group(1)  # type: ignore[union-attr]
    found = list(_STRING_ATTRIBUTE.finditer(attributes))
    if ",".join(match.group(0) for match in found) != attributes:
        raise UnknownExpression(f"var.{variable} has type {declared_type}: not all strings")
    return {match.group(1): f"example-{match.group(1).replace('_', '-')}" for match in found}


def _stem(variable: str) -> str:
    return re.sub(r"_arns?$", "", variable).replace("_", "-")


def _as_text(value: Any, source: str) -> str:
    """A value interpolated into a template, as Terraform converts it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise UnknownExpression(f"${{{source}}} is a {type(value).__name__}, not a string")


def _interpolation_end(template: str, start: int) -> int:
    """The index of the `}` that closes an interpolation, skipping nested strings and braces."""
    depth = 0
    position = start
    while position < len(template):
        character = template[position]
        if character == '"':
            position = _string_end(template, position)
        elif character in "{[(":
            depth += 1
        elif character in ")]":
            depth -= 1
        elif character == "}":
            if depth == 0:
                return position
            depth -= 1
        position += 1
    raise UnknownExpression(f"unterminated ${{ in {template[:80]!r}")


def _string_end(source: str, start: int) -> int:
    """The index of the `"` that closes the string literal opening at `start`."""
    position = start + 1
    while position < len(source):
        if source[position] == "\\" or source.startswith("$${", position):
            position += 2 if source[position] == "\\" else 3
            continue
        if source.startswith("${", position):
            position = _interpolation_end(source, position + 2) + 1
            continue
        if source[position] == '"':
            return position
        position += 1
    raise UnknownExpression(f"unterminated string in {source[:80]!r}")


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(literal: str) -> str:
    """A quoted string's template text: escapes resolved outside its interpolations, which
    stay as written for the template to evaluate."""
    text: list[str] = []
    position = 0
    while position < len(literal):
        if literal.startswith("$${", position):
            text.append("$${")
            position += 3
        elif literal.startswith("${", position):
            end = _interpolation_end(literal, position + 2)
            text.append(literal[position : end + 1])
            position = end + 1
        elif literal[position] == "\\":
            escaped = literal[position + 1 : position + 2]
            if escaped == "u":
                text.append(chr(int(literal[position + 2 : position + 6], 16)))
                position += 6
                continue
            if escaped not in _ESCAPES:
                raise UnknownExpression(f"escape \\{escaped} in a string")
            text.append(_ESCAPES[escaped])
            position += 2
        else:
            text.append(literal[position])
            position += 1
    return "".join(text)


def _replace(text: Any, search: Any, replacement: Any) -> str:
    if not all(isinstance(value, str) for value in (text, search, replacement)):
        raise UnknownExpression("replace() of a value that is not a string")
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        # Terraform's regular expression form; $1 in the replacement is \1 in Python.
        return re.sub(search[1:-1], re.sub(r"\$(\d+)", r"\\\1", replacement), text)
    return text.replace(search, replacement)


def _compact(values: Any) -> list[str]:
    if not isinstance(values, list):
        raise UnknownExpression("compact() of a value that is not a list")
    return [value for value in values if value not in (None, "")]


def _concat(*lists: Any) -> list[Any]:
    if not all(isinstance(value, list) for value in lists):
        raise UnknownExpression("concat() of a value that is not a list")
    return [item for value in lists for item in value]


def _join(separator: Any, values: Any) -> str:
    if not isinstance(separator, str) or not isinstance(values, list):
        raise UnknownExpression("join() needs a separator and a list")
    return separator.join(_as_text(value, "join") for value in values)


def _jsonencode(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise UnknownExpression("coalesce() of no value that is set")


# The functions the synthesized documents use; any other function is an unknown expression.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "coalesce": _coalesce,
    "compact": _compact,
    "concat": _concat,
    "join": _join,
    "jsonencode": _jsonencode,
    "replace": _replace,
}

# A parsed expression: its value, given the symbols of the `for` expressions around it.
_Node = Callable[[dict[str, Any]], Any]


def _constant(value: Any) -> _Node:
    return lambda symbols: value


class _Parser:
    """A recursive-descent parser for the part of Terraform's expression syntax cdktf and the
    module generator write: literals, lists, objects `{ key = value }`, references (a.b.c),
    function calls, `==` and `!=`, and object `for` expressions with an `if` filter
    (`{ for k, v in X : K => V if C }`). Other operators, conditionals, list `for` expressions
    and splats are unknown expressions."""

    _TOKEN = re.compile(
        r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
        |(?P<name>[A-Za-z_][A-Za-z0-9_-]*)
        |(?P<punctuation>=>|==|!=|[.,()\[\]{}=:])
        |(?P<quote>")
        )""",
        re.VERBOSE,
    )

    def __init__(self, source: str, values: TerraformValues) -> None:
        self._source = source
        self._position = 0
        self._values = values

    def parse(self) -> _Node:
        """The whole source as one expression."""
        node = self._expression()
        if self._source[self._position :].strip():
            raise UnknownExpression(f"cannot read {self._source[self._position :]!r}")
        return node

    def _expression(self) -> _Node:
        left = self._operand()
        operator = self._peek()
        if operator not in ("==", "!="):
            return left
        self._next()
        right = self._operand()
        equal = operator == "=="
        return lambda symbols: (left(symbols) == right(symbols)) == equal

    def _operand(self) -> _Node:
        kind, token = self._next()
        if kind == "number":
            return _constant(float(token) if "." in token else int(token))
        if kind == "quote":
            end = _string_end(self._source, self._position - 1)
            template = _unescape(self._source[self._position : end])
            self._position = end + 1
            return lambda symbols: self._values._template(template)
        if kind == "punctuation" and token == "[":
            return self._list()
        if kind == "punctuation" and token == "{":
            return self._for() if self._peek() == "for" else self._object()
        if kind == "name":
            if token in ("true", "false"):
                return _constant(token == "true")
            if token == "null":
                return _constant(None)
            if self._peek() == "(":
                return self._call(token)
            return self._reference(self._traversal(token))
        raise UnknownExpression(f"unexpected {token!r}")

    def _list(self) -> _Node:
        items: list[_Node] = []
        if self._peek() == "]":
            self._next()
            return _constant([])
        while True:
            items.append(self._expression())
            _, token = self._next()
            if token == "]":
                break
            if token != ",":
                raise UnknownExpression(f"expected , or ] but found {token!r}")
            if self._peek() == "]":
                self._next()
                break
        return lambda symbols: [item(symbols) for item in items]

    def _object(self) -> _Node:
        """`{ key = value, ... }`, after its `{`; keys are names."""
        items: list[tuple[str, _Node]] = []
        while self._peek() != "}":
            kind, key = self._next()
            if kind != "name":
                raise UnknownExpression(f"object key {key!r}")
            self._expect("=", ":")
            items.append((key, self._expression()))
            if self._peek() == ",":
                self._next()
        self._next()
        return lambda symbols: {key: value(symbols) for key, value in items}

    def _for(self) -> _Node:
        """`{ for [k,] v in X : K => V [if C] }`, after its `{`."""
        self._next()
        names = [self._name()]
        if self._peek() == ",":
            self._next()
            names.append(self._name())
        if self._name() != "in":
            raise UnknownExpression("for without in")
        collection = self._expression()
        self._expect(":")
        key = self._expression()
        self._expect("=>")
        value = self._expression()
        condition = _constant(True)
        if self._peek() == "if":
            self._next()
            condition = self._expression()
        self._expect("}")

        def evaluate(symbols: dict[str, Any]) -> dict[str, Any]:
            items = collection(symbols)
            if isinstance(items, dict):
                pairs = list(items.items())
            elif isinstance(items, list):
                pairs = list(enumerate(items))
            else:
                raise UnknownExpression("for over a value that is not a collection")
            result: dict[str, Any] = {}
            for item_key, item in pairs:
                bound = {**symbols, names[-1]: item}
                if len(names) == 2:
                    bound[names[0]] = item_key
                if condition(bound) is True:
                    result[_as_text(key(bound), "for")] = value(bound)
            return result

        return evaluate

    def _call(self, function: str) -> _Node:
        if function not in FUNCTIONS:
            raise UnknownExpression(f"function {function}() is not in FUNCTIONS")
        self._next()
        arguments: list[_Node] = []
        if self._peek() == ")":
            self._next()
        else:
            while True:
                arguments.append(self._expression())
                _, token = self._next()
                if token == ")":
                    break
                if token != ",":
                    raise UnknownExpression(f"expected , or ) but found {token!r}")
        return lambda symbols: FUNCTIONS[function](*(a(symbols) for a in arguments))

    def _reference(self, names: list[str]) -> _Node:
        def evaluate(symbols: dict[str, Any]) -> Any:
            if names[0] not in symbols:
                return self._values.reference(names)
            value = symbols[names[0]]
            for attribute in names[1:]:
                if not isinstance(value, dict):
                    raise UnknownExpression(f"attribute {attribute} of {names[0]}")
                # An object's optional attribute that is not set is null.
                value = value.get(attribute)
            return value

        return evaluate

    def _traversal(self, first: str) -> list[str]:
        names = [first]
        while self._peek() == ".":
            self._next()
            kind, token = self._next()
            if kind != "name":
                raise UnknownExpression(f"index or splat .{token} in a reference")
            names.append(token)
        if self._peek() == "[":
            raise UnknownExpression(f"index of {'.'.join(names)}")
        return names

    def _name(self) -> str:
        kind, token = self._next()
        if kind != "name":
            raise UnknownExpression(f"expected a name but found {token!r}")
        return token

    def _expect(self, *tokens: str) -> None:
        _, token = self._next()
        if token not in tokens:
            raise UnknownExpression(f"expected {' or '.join(tokens)} but found {token!r}")

    def _peek(self) -> str | None:
        match = self._TOKEN.match(self._source, self._position)
        return match.group(match.lastgroup) if match and match.lastgroup else None

    def _next(self) -> tuple[str, str]:
        match = self._TOKEN.match(self._source, self._position)
        if not match or not match.lastgroup:
            rest = self._source[self._position :].strip()
            raise UnknownExpression(f"cannot read {rest[:40]!r}" if rest else "unexpected end")
        self._position = match.end()
        return match.lastgroup, match.group(match.lastgroup)
