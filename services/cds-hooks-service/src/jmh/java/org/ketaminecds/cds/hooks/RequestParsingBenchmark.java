package org.ketaminecds.cds.hooks;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.ketaminecds.cds.discovery.CdsService;
import org.ketaminecds.cds.discovery.CdsServiceCatalog;
import org.ketaminecds.cds.fhir.FhirJson;
import org.ketaminecds.cds.testing.SyntheticOrders;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading one order-sign call for a ketamine order whose prefetch holds 25 or 200 active
 * medications (the load benchmark's payloads, {@link SyntheticOrders}):
 *
 * <ul>
 *   <li>{@code hapiParseMedicationBundle}: HAPI alone parsing the medicationRequests prefetch
 *       Bundle from its JSON text;
 *   <li>{@code readCall}: what the service does with a body before the check: Jackson reads the
 *       bytes, {@link HookRequestReader} validates the call and parses the draft orders, and every
 *       prefetch key is parsed strictly with HAPI, as {@code PatientRecordAssembler} does.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RequestParsingBenchmark {

  @Param({"25", "200"})
  int medications;

  private final ObjectMapper json = new ObjectMapper();
  private byte[] body;
  private String medicationBundle;
  private IParser hapi;
  private FhirJson fhir;
  private HookRequestReader reader;
  private CdsService service;

  @Setup
  public void setUp() throws Exception {
    SyntheticOrders.Call call = new SyntheticOrders(11).call(medications, true, true);
    body = call.body().getBytes(StandardCharsets.UTF_8);
    medicationBundle = json.readTree(body).at("/prefetch/medicationRequests").toString();
    FhirContext context = FhirContext.forR4();
    hapi = context.newJsonParser();
    fhir = new FhirJson(context);
    reader = new HookRequestReader(fhir);
    service =
        new CdsServiceCatalog(KnowledgePackLoader.fromClasspath().load().rules())
            .find(call.serviceId())
            .orElseThrow();
    if (readCall().size() != 6) {
      throw new IllegalStateException("the call should carry five prefetch keys");
    }
  }

  @Benchmark
  public Bundle hapiParseMedicationBundle() {
    return hapi.parseResource(Bundle.class, medicationBundle);
  }

  @Benchmark
  public List<Object> readCall() throws Exception {
    HookRequest request = reader.read(service, json.readTree(body));
    List<Object> parsed = new ArrayList<>();
    parsed.add(request);
    for (var entry : request.prefetch().entrySet()) {
      JsonNode value = entry.getValue();
      IBaseResource resource = fhir.parse(value, "prefetch." + entry.getKey());
      parsed.add(resource);
    }
    return parsed;
  }
}
