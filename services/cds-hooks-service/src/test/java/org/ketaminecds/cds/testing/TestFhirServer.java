package org.ketaminecds.cds.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.RequiredParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A real FHIR R4 server standing in for the EHR's: HAPI's {@link RestfulServer} with in-memory
 * providers, in an embedded Tomcat on a random loopback port. It can be told to hang (until closed)
 * or to fail with 500 for a resource type, and it records the Authorization headers it saw.
 */
public final class TestFhirServer implements AutoCloseable {

  private final Tomcat tomcat = new Tomcat();
  private final Map<String, Resource> store = new ConcurrentHashMap<>();
  private final Set<String> hanging = ConcurrentHashMap.newKeySet();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private final int port;
  private final RestfulServer server;
  private volatile boolean ignoresSort;

  public TestFhirServer() {
    try {
      tomcat.setBaseDir(Files.createTempDirectory("fhir-tomcat").toString());
      Connector connector = new Connector();
      connector.setPort(0);
      connector.setProperty("address", "127.0.0.1");
      tomcat.setConnector(connector);
      Context context = tomcat.addContext("", null);
      server = new RestfulServer(FhirContext.forR4Cached());
      server.registerProviders(
          new Provider(Patient.class),
          new Provider(MedicationRequest.class),
          new Provider(MedicationStatement.class),
          new Provider(Condition.class),
          new Provider(Observation.class),
          new Provider(Medication.class));
      server.registerInterceptor(new Recorder());
      Tomcat.addServlet(context, "fhir", server);
      context.addServletMappingDecoded("/fhir/*", "fhir");
      tomcat.start();
      port = connector.getLocalPort();
    } catch (Exception e) {
      throw new IllegalStateException("test FHIR server did not start", e);
    }
  }

  private static TestFhirServer shared;

  /**
   * One server for the whole test JVM, on the allow-list of the {@link
   * org.ketaminecds.cds.security.TestTokens} EHR in every test context, so a test with default
   * settings can have the service read from it. Never closed; do not make it hang or fail, and give
   * what you add ids of your own.
   */
  public static synchronized TestFhirServer shared() {
    if (shared == null) {
      shared = new TestFhirServer();
    }
    return shared;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port + "/fhir";
  }

  public TestFhirServer add(Resource... resources) {
    for (Resource r : resources) {
      store.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
    }
    return this;
  }

  /**
   * Answers searches in pages of this many entries (honouring {@code _count}), with next links
   * ({@code ?_getpages=...}), as EHRs' servers do; without it a search is one page.
   */
  public TestFhirServer pageSize(int size) {
    server.setPagingProvider(
        new FifoMemoryPagingProvider(100).setDefaultPageSize(size).setMaximumPageSize(size));
    return this;
  }

  /** Answers Observation searches oldest first, as a server that ignores {@code _sort} may. */
  public TestFhirServer ignoringSort() {
    ignoresSort = true;
    return this;
  }

  /** What the server holds, by {@code Type/id}. */
  public Map<String, Resource> store() {
    return store;
  }

  /** Requests for this resource type wait until the server is closed. */
  public TestFhirServer hang(String resourceType) {
    hanging.add(resourceType);
    return this;
  }

  /** Requests for this resource type fail with 500. */
  public TestFhirServer fail(String resourceType) {
    failing.add(resourceType);
    return this;
  }

  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    released.countDown();
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void behave(String type) {
    if (failing.contains(type)) {
      throw new InternalErrorException("simulated failure");
    }
    if (hanging.contains(type)) {
      try {
        released.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Interceptor
  public final class Recorder {
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
    public boolean incomingRequestPreProcessed(
        HttpServletRequest request, HttpServletResponse response) {
      String auth = request.getHeader("Authorization");
      authorizations.add(auth == null ? "" : auth);
      requests.add(
          request.getRequestURI()
              + (request.getQueryString() == null ? "" : "?" + request.getQueryString()));
      return true;
    }
  }

  /** Read by id and search by patient, over the in-memory store, for one resource type. */
  public final class Provider implements IResourceProvider {
    private final Class<? extends Resource> type;

    Provider(Class<? extends Resource> type) {
      this.type = type;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
      return type;
    }

    @Read
    public IBaseResource read(@IdParam IdType id) {
      String name = type.getSimpleName();
      behave(name);
      Resource found = store.get(name + "/" + id.getIdPart());
      if (found == null) {
        throw new ResourceNotFoundException(id);
      }
      return found;
    }

    @Search(allowUnknownParams = true)
    public List<IBaseResource> search(@RequiredParam(name = "patient") ReferenceParam patient) {
      String name = type.getSimpleName();
      behave(name);
      List<IBaseResource> result = new ArrayList<>();
      for (Resource r : store.values()) {
        if (type.isInstance(r) && patient.getIdPart().equals(subjectId(r))) {
          result.add(r);
        }
      }
      if (type == Observation.class) {
        // Newest first, as the service's _sort=-date asks (oldest first when ignoring it).
        Comparator<IBaseResource> oldestFirst =
            Comparator.comparing(
                (IBaseResource r) ->
                    r instanceof Observation o && o.hasEffectiveDateTimeType()
                        ? o.getEffectiveDateTimeType().getValue()
                        : null,
                Comparator.nullsFirst(Comparator.naturalOrder()));
        result.sort(ignoresSort ? oldestFirst : oldestFirst.reversed());
      }
      return result;
    }

    private String subjectId(Resource r) {
      Reference subject = null;
      if (r instanceof MedicationRequest m) {
        subject = m.getSubject();
      } else if (r instanceof MedicationStatement s) {
        subject = s.getSubject();
      } else if (r instanceof Condition c) {
        subject = c.getSubject();
      } else if (r instanceof Observation o) {
        subject = o.getSubject();
      }
      return subject == null ? null : new IdType(subject.getReference()).getIdPart();
    }
  }
}
