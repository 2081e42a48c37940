package org.ketaminecds.compliance.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.ketaminecds.compliance.reports.ReportProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/** Everything but the health probe needs the report user; no sessions, strict page headers. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {

  // The report page has its own inline styles and SVG and loads nothing from anywhere else.
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
          + "frame-ancestors 'none'; base-uri 'none'";

  @Bean
  SecurityFilterChain reportSecurity(HttpSecurity http, ObjectMapper json) throws Exception {
    JsonAuthenticationEntryPoint entryPoint = new JsonAuthenticationEntryPoint(json);
    http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/actuator/health", "/actuator/health/**", "/error")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .httpBasic(basic -> basic.authenticationEntryPoint(entryPoint))
        .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint))
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .headers(
            headers ->
                headers.contentSecurityPolicy(
                    policy -> policy.policyDirectives(CONTENT_SECURITY_POLICY)));
    return http.build();
  }

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean
  UserDetailsService reportUser(ReportProperties properties, PasswordEncoder encoder) {
    String password = ReportCredentials.password(properties);
    // A configured value in {id}hash form is already encoded; anything else is the plain password.
    String encoded = password.matches("\\{[A-Za-z0-9_-]+}.+") ? password : encoder.encode(password);
    return new InMemoryUserDetailsManager(
        User.withUsername(properties.user()).password(encoded).roles("COMPLIANCE").build());
  }
}
