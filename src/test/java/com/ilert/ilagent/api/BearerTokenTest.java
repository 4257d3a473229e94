package com.ilert.ilagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenTest {
  @Test
  void withoutATokenEveryRequestPasses() {
    BearerToken open = new BearerToken(null);
    assertThat(open.required()).isFalse();
    assertThat(open.admits(null)).isTrue();
    assertThat(open.admits("Bearer whatever")).isTrue();
  }

  @Test
  void withATokenOnlyThatBearerTokenPasses() {
    BearerToken token = new BearerToken("s3cret-Token_1");
    assertThat(token.required()).isTrue();
    assertThat(token.admits("Bearer s3cret-Token_1")).isTrue();
    assertThat(token.admits("bearer s3cret-Token_1")).as("the scheme ignores case").isTrue();
    assertThat(token.admits("Bearer  s3cret-Token_1 ")).isTrue();
    assertThat(token.admits(null)).isFalse();
    assertThat(token.admits("")).isFalse();
    assertThat(token.admits("Bearer")).isFalse();
    assertThat(token.admits("Bearer ")).isFalse();
    assertThat(token.admits("Bearer s3cret-token_1")).isFalse();
    assertThat(token.admits("Bearer s3cret-Token_")).isFalse();
    assertThat(token.admits("Bearer s3cret-Token_12")).isFalse();
    assertThat(token.admits("Basic s3cret-Token_1")).isFalse();
    assertThat(token.admits("s3cret-Token_1")).isFalse();
  }
}
