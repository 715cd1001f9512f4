package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

/** providers.aws.sign_req against AWS's published SigV4 test suite (get-vanilla and friends). */
class ProvidersBuiltinsTest {
  /** 2015-08-30T12:36:00Z, the time used throughout AWS's SigV4 test suite. */
  private static final NumberValue TEST_SUITE_TIME = NumberValue.of(1440938160L * 1_000_000_000L);

  private static final ObjectValue CONFIG = ObjectValue.ofStrings(
      "aws_access_key", StringValue.of("AKIDEXAMPLE"),
      "aws_secret_access_key", StringValue.of("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
      "aws_region", StringValue.of("us-east-1"),
      "aws_service", StringValue.of("service"));

  private static Value sign(Value... args) {
    return BuiltinRegistry.standard().lookup("providers.aws.sign_req").function()
        .call(new DefaultBuiltinContext(), args);
  }

  private static String authorization(Value signed) {
    return ((StringValue) ((ObjectValue) ((ObjectValue) signed).get("headers")).get("Authorization")).value();
  }

  @Test
  void getVanilla() {
    Value signed = sign(ObjectValue.ofStrings("method", StringValue.of("GET"),
        "url", StringValue.of("https://example.amazonaws.com/")), CONFIG, TEST_SUITE_TIME);
    assertThat(authorization(signed)).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
        + "aws4_request,SignedHeaders=host;x-amz-date,"
        + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    ObjectValue headers = (ObjectValue) ((ObjectValue) signed).get("headers");
    assertThat(headers.get("host")).isEqualTo(StringValue.of("example.amazonaws.com"));
    assertThat(headers.get("x-amz-date")).isEqualTo(StringValue.of("20150830T123600Z"));
    assertThat(((ObjectValue) signed).get("url")).isEqualTo(StringValue.of("https://example.amazonaws.com/"));
  }

  @Test
  void postVanilla() {
    Value signed = sign(ObjectValue.ofStrings("method", StringValue.of("POST"),
        "url", StringValue.of("https://example.amazonaws.com/")), CONFIG, TEST_SUITE_TIME);
    assertThat(authorization(signed))
        .endsWith("Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  }

  @Test
  void postFormUrlEncodedSignsContentTypeAndBody() {
    Value signed = sign(ObjectValue.ofStrings("method", StringValue.of("POST"),
        "url", StringValue.of("https://example.amazonaws.com/"),
        "headers", ObjectValue.ofStrings("Content-Type", StringValue.of("application/x-www-form-urlencoded")),
        "raw_body", StringValue.of("Param1=value1")), CONFIG, TEST_SUITE_TIME);
    assertThat(authorization(signed)).contains("SignedHeaders=content-type;host;x-amz-date,")
        .endsWith("Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
    ObjectValue headers = (ObjectValue) ((ObjectValue) signed).get("headers");
    assertThat(headers.get("Content-Type")).isEqualTo(StringValue.of("application/x-www-form-urlencoded"));
  }

  @Test
  void s3AddsContentHashHeaderAndSessionToken() {
    ObjectValue config = CONFIG.with(StringValue.of("aws_service"), StringValue.of("s3"))
        .with(StringValue.of("aws_session_token"), StringValue.of("token"));
    Value signed = sign(ObjectValue.ofStrings("method", StringValue.of("GET"),
        "url", StringValue.of("https://bucket.s3.amazonaws.com/key")), config, TEST_SUITE_TIME);
    ObjectValue headers = (ObjectValue) ((ObjectValue) signed).get("headers");
    assertThat(headers.get("x-amz-content-sha256"))
        .isEqualTo(StringValue.of("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    assertThat(headers.get("x-amz-security-token")).isEqualTo(StringValue.of("token"));
    assertThat(authorization(signed))
        .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,");
  }

  @Test
  void unsignedPayloadWhenDisabled() {
    ObjectValue config = CONFIG.with(StringValue.of("aws_service"), StringValue.of("s3"))
        .with(StringValue.of("disable_payload_signing"), BooleanValue.of(true));
    Value signed = sign(ObjectValue.ofStrings("method", StringValue.of("PUT"),
        "url", StringValue.of("https://bucket.s3.amazonaws.com/key"), "raw_body", StringValue.of("data")),
        config, TEST_SUITE_TIME);
    assertThat(((ObjectValue) ((ObjectValue) signed).get("headers")).get("x-amz-content-sha256"))
        .isEqualTo(StringValue.of("UNSIGNED-PAYLOAD"));
  }

  @Test
  void missingAndInvalidConfig() {
    ObjectValue req = ObjectValue.ofStrings("method", StringValue.of("GET"), "url", StringValue.of("https://x/"));
    assertThatThrownBy(() -> sign(req, ObjectValue.ofStrings("aws_service", StringValue.of("s3")), TEST_SUITE_TIME))
        .isInstanceOf(BuiltinException.class)
        .hasMessage("operand 2 missing required AWS config parameters(s): "
            + "{\"aws_access_key\", \"aws_region\", \"aws_secret_access_key\"}")
        .extracting(e -> ((BuiltinException) e).code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThatThrownBy(() -> sign(req, CONFIG.with(StringValue.of("aws_region"), NumberValue.of(1)), TEST_SUITE_TIME))
        .hasMessage("operand 2 invalid values for required AWS config parameters(s): {\"aws_region\"}");
    assertThatThrownBy(() -> sign(req, CONFIG.with(StringValue.of("disable_payload_signing"), StringValue.of("yes")),
        TEST_SUITE_TIME)).hasMessage("operand 2 invalid value for 'disable_payload_signing' in AWS config");
  }

  @Test
  void requestChecks() {
    assertThatThrownBy(() -> sign(ObjectValue.ofStrings("url", StringValue.of("https://x/")), CONFIG, TEST_SUITE_TIME))
        .hasMessage("operand 1 missing required request parameters(s): {\"method\"}");
    assertThatThrownBy(() -> sign(ObjectValue.ofStrings("method", StringValue.of("GET"), "url",
        StringValue.of("https://x/"), "nope", StringValue.of("")), CONFIG, TEST_SUITE_TIME))
        .hasMessage("operand 1 invalid request parameters(s): {\"nope\"}");
    assertThatThrownBy(() -> sign(ObjectValue.ofStrings("method", NumberValue.of(1), "url", StringValue.of("https://x/")),
        CONFIG, TEST_SUITE_TIME)).hasMessage("operand 1 invalid values for required request parameters(s): {\"method\"}");
    assertThatThrownBy(() -> sign(ObjectValue.ofStrings("method", StringValue.of("GET"), "url",
        StringValue.of("https://x/")), CONFIG, NumberValue.parse("1.5")))
        .hasMessage("operand 3 could not convert time_ns value into a unix timestamp");
  }
}
