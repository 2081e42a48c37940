package org.ketaminecds.cds.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.ErrorHandlerAdapter;
import ca.uhn.fhir.parser.IJsonLikeParser;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Resource;
import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.errors.ErrorCode;
import org.springframework.stereotype.Component;

/**
 * Parses FHIR R4 JSON from requests with HAPI. An element R4 does not define, a value of the wrong
 * JSON type, an invalid primitive or a resource id with characters an id may not have is refused
 * with 400 naming the request field (never the value, which may be patient data): a medication
 * whose code sits in an element we silently dropped (an R5 {@code medication.concept}, say) would
 * otherwise pass the check unseen.
 */
@Component
public class FhirJson {

  /** FHIR's id characters; not its 64-character limit, which some EHRs' ids exceed. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9.-]+");

  private final FhirContext context;

  public FhirJson(FhirContext context) {
    this.context = context;
  }

  public FhirContext context() {
    return context;
  }

  /**
   * Parses a resource of the expected type.
   *
   * @param field the request field it came from, for error messages
   */
  public <T extends IBaseResource> T parse(JsonNode node, Class<T> type, String field) {
    IBaseResource resource = parse(node, field);
    if (!type.isInstance(resource)) {
      throw new CdsException(
          ErrorCode.INVALID_FHIR,
          "'"
              + field
              + "' must be a FHIR "
              + context.getResourceType(type)
              + ", not "
              + context.getResourceType(resource));
    }
    return type.cast(resource);
  }

  /** Parses any R4 resource. */
  public IBaseResource parse(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      throw CdsException.invalid(field, "must be a FHIR resource (a JSON object)");
    }
    if (!node.path("resourceType").isTextual()) {
      throw new CdsException(
          ErrorCode.INVALID_FHIR, "'" + field + "' has no resourceType: not a FHIR resource");
    }
    // HAPI walks the request's own JSON tree: no second serialisation and parse of each resource.
    JacksonStructure structure = new JacksonStructure();
    structure.setNativeObject((ObjectNode) node);
    IBaseResource resource;
    try {
      resource = parser(field).parseResource(structure);
    } catch (DataFormatException | IllegalArgumentException | IllegalStateException e) {
      throw new CdsException(
          ErrorCode.INVALID_FHIR, "'" + field + "' is not valid FHIR R4: " + brief(e.getMessage()));
    } catch (CdsException refused) {
      throw refused;
    } catch (RuntimeException e) {
      // HAPI's parser fails on some malformed JSON with other exceptions (an element named "":
      // StringIndexOutOfBoundsException). Still the client's invalid FHIR, not a 500; HAPI's
      // message would describe its internals, not the request.
      throw new CdsException(
          ErrorCode.INVALID_FHIR,
          "'" + field + "' is not valid FHIR R4: it has an element HAPI FHIR cannot read");
    }
    if (resource instanceof Bundle bundle) {
      keepOwnIds(bundle, node.path("entry"));
    }
    requireValidIds(resource, field);
    return resource;
  }

  /**
   * HAPI's parser (on this path, whatever its parser options say) gives each Bundle entry's
   * resource its entry's fullUrl as id. A urn:uuid fullUrl, as many EHRs send, would then be the id
   * that a card's suggestion names the order by, and not a valid one. Each resource keeps the id it
   * was sent with; one without an id keeps none rather than a urn (an absolute fullUrl still names
   * it, as HAPI set it). References by fullUrl are resolved from the entries (MedicationMapper).
   */
  private static void keepOwnIds(Bundle bundle, JsonNode entries) {
    List<Bundle.BundleEntryComponent> parsed = bundle.getEntry();
    if (parsed.size() != entries.size()) {
      return;
    }
    for (int i = 0; i < parsed.size(); i++) {
      Resource resource = parsed.get(i).getResource();
      if (resource == null) {
        continue;
      }
      JsonNode own = entries.get(i).path("resource").path("id");
      if (own.isTextual()) {
        resource.setId(own.asText());
      } else if (resource.getIdElement().isUrn()) {
        resource.setIdElement(null);
      }
    }
  }

  /**
   * HAPI does not check ids. One with an invisible or control character would name an order
   * differently in a card's suggestion and in the audit trail than it reads.
   */
  private static void requireValidIds(IBaseResource resource, String field) {
    if (!(resource instanceof Resource r)) {
      return;
    }
    String id = r.getIdElement().getIdPart();
    if (id != null && !ID.matcher(id.startsWith("#") ? id.substring(1) : id).matches()) {
      throw new CdsException(
          ErrorCode.INVALID_FHIR,
          "'"
              + field
              + "' is not valid FHIR R4: a "
              + r.fhirType()
              + " id holds characters other than letters, digits, '-' and '.'");
    }
    if (r instanceof DomainResource domain) {
      domain.getContained().forEach(contained -> requireValidIds(contained, field));
    }
    if (r instanceof Bundle bundle) {
      bundle.getEntry().forEach(entry -> requireValidIds(entry.getResource(), field));
    }
  }

  public String encode(IBaseResource resource) {
    return context.newJsonParser().encodeResourceToString(resource);
  }

  private IJsonLikeParser parser(String field) {
    return (IJsonLikeParser)
        context.newJsonParser().setParserErrorHandler(new RefusingErrorHandler(field));
  }

  private static String brief(String message) {
    if (message == null) {
      return "unreadable";
    }
    // HAPI prefixes messages with an internal code such as "HAPI-1861: ".
    String plain = message.replaceFirst("^HAPI-\\d+: ", "");
    return plain.length() > 300 ? plain.substring(0, 300) : plain;
  }

  /** Turns HAPI's parse warnings into refusals; ignores what is harmless. */
  private static final class RefusingErrorHandler extends ErrorHandlerAdapter {
    private final String field;

    RefusingErrorHandler(String field) {
      this.field = field;
    }

    @Override
    public void unknownElement(IParseLocation location, String name) {
      throw refuse("unknown element '" + name + "'" + at(location));
    }

    @Override
    public void unknownAttribute(IParseLocation location, String name) {
      throw refuse("unknown attribute '" + name + "'" + at(location));
    }

    @Override
    public void incorrectJsonType(
        IParseLocation location,
        String name,
        BaseJsonLikeValue.ValueType expected,
        BaseJsonLikeValue.ScalarType expectedScalar,
        BaseJsonLikeValue.ValueType found,
        BaseJsonLikeValue.ScalarType foundScalar) {
      throw refuse(
          "element '"
              + name
              + "'"
              + at(location)
              + " should be "
              + describe(expected, expectedScalar)
              + " but is "
              + describe(found, foundScalar));
    }

    @Override
    public void invalidValue(IParseLocation location, String value, String error) {
      // HAPI's error quotes the value (a birth date, say) and may name a Java exception.
      throw refuse("invalid value" + at(location));
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String name) {
      throw refuse("element '" + name + "'" + at(location) + " must not repeat");
    }

    private CdsException refuse(String problem) {
      return new CdsException(
          ErrorCode.INVALID_FHIR, "'" + field + "' is not valid FHIR R4: " + problem);
    }

    private static String at(IParseLocation location) {
      return location == null || location.getParentElementName() == null
          ? ""
          : " in " + location.getParentElementName();
    }

    private static String describe(
        BaseJsonLikeValue.ValueType type, BaseJsonLikeValue.ScalarType scalar) {
      if (type == null) {
        return "absent";
      }
      return scalar == null
          ? type.name().toLowerCase()
          : scalar.name().toLowerCase() + " " + type.name().toLowerCase();
    }
  }
}
