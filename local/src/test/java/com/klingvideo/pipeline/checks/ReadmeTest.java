package com.klingvideo.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.klingvideo.pipeline.config.Tuning;
import com.klingvideo.pipeline.domain.ImageFormat;
import com.klingvideo.pipeline.domain.ModelCapabilities;
import com.klingvideo.pipeline.entrypoints.ApiError;
import com.klingvideo.pipeline.local.RepositoryLayout;
import com.klingvideo.pipeline.model.FailureCode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the README says about configuration, failure codes and API errors is what the code has. */
class ReadmeTest {
    private static List<String> lines;

    @BeforeAll
    static void read() throws IOException {
        lines = Files.readAllLines(RepositoryLayout.locate().resolve("README.md"));
    }

    /** The rows of the first table after the line that starts with {@code marker}: cells, backticks dropped. */
    private static List<List<String>> table(String marker) {
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(marker)) {
                at = i;
                break;
            }
        }
        assertThat(at).as("README has a line starting with %s", marker).isNotNegative();
        List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        for (int i = at + 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            inTable = true;
            if (line.startsWith("|---")) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String cell : line.substring(1, line.length() - 1).split("\\|")) {
                cells.add(cell.trim().replace("`", ""));
            }
            rows.add(cells);
        }
        return rows.subList(1, rows.size());
    }

    @Test
    void tuning_table_should_be_exactly_the_variables_the_template_leaves_at_their_defaults() {
        Map<String, List<String>> documented = new LinkedHashMap<>();
        table("<!-- tuning:").forEach(row -> documented.put(row.get(0), row.subList(1, row.size())));
        Map<String, List<String>> code = new LinkedHashMap<>();
        for (Tuning tuning : Tuning.values()) {
            if (tuning.parameter() == null) {
                code.put(tuning.name(), List.of(tuning.defaultText(), tuning.meaning()));
            }
        }
        assertThat(documented).containsExactlyEntriesOf(code);
    }

    @Test
    void parameter_table_should_give_each_tuning_parameter_with_the_codes_default() {
        Map<String, String> defaults = new LinkedHashMap<>();
        table("### Configuration (template parameters)").forEach(row -> defaults.put(row.get(0), row.get(1)));
        for (Tuning tuning : Tuning.values()) {
            if (tuning.parameter() != null) {
                assertThat(defaults).as(tuning.parameter()).containsEntry(tuning.parameter(), tuning.defaultText());
            }
        }
    }

    @Test
    void model_table_should_be_exactly_the_capability_table() {
        List<List<String>> documented = table("<!-- models:");
        List<List<String>> code = new ArrayList<>();
        for (ModelCapabilities.Row row : ModelCapabilities.ROWS) {
            String tail = ModelCapabilities.modes().stream()
                    .flatMap(mode -> ModelCapabilities.durations().stream()
                            .filter(duration -> row.takesImageTail(mode, duration))
                            .map(duration -> mode + " " + duration + " s"))
                    .collect(Collectors.joining(", "));
            code.add(List.of(row.model(), String.join(", ", row.modes()), String.join(", ", row.durations()),
                    tail.isEmpty() ? "no" : tail));
        }
        assertThat(documented).isEqualTo(code);
    }

    @Test
    void parameter_table_should_offer_the_capability_tables_models_as_default_model() {
        Map<String, String> meanings = new LinkedHashMap<>();
        table("### Configuration (template parameters)").forEach(row -> meanings.put(row.get(0), row.get(2)));
        assertThat(meanings.get("DefaultModel")).isEqualTo("one of " + String.join(", ", ModelCapabilities.models()));
    }

    @Test
    void failure_code_table_should_be_exactly_the_failure_codes_with_their_meaning_and_action() {
        List<List<String>> documented = table("<!-- failure codes:");
        List<List<String>> code = Arrays.stream(FailureCode.values())
                .map(failure -> List.of(failure.pattern(), failure.meaning(), failure.action()))
                .toList();
        assertThat(documented).isEqualTo(code);
    }

    @Test
    void api_error_table_should_be_exactly_the_codes_the_api_answers_with() {
        List<List<String>> documented = table("<!-- api errors:");
        List<List<String>> code = Arrays.stream(ApiError.values())
                .map(error -> List.of(error.name(), String.valueOf(error.status()), error.meaning()))
                .toList();
        assertThat(documented).isEqualTo(code);
    }

    /** The launcher refuses any moto but the one it names, so every install line must name that one. */
    @Test
    void moto_install_line_should_name_the_one_version_the_launcher_runs_on() throws IOException {
        String launcher = Files.readString(RepositoryLayout.locate().resolve("local/moto_launcher.py"));
        Matcher supported = Pattern.compile("(?m)^SUPPORTED_MOTO_VERSION = \"([^\"]+)\"$").matcher(launcher);
        assertThat(supported.find()).as("local/moto_launcher.py names SUPPORTED_MOTO_VERSION").isTrue();
        List<String> installs = new ArrayList<>();
        Matcher install = Pattern.compile("pip install \"moto\\[server][^\"]*\"").matcher(String.join("\n", lines));
        while (install.find()) {
            installs.add(install.group());
        }
        assertThat(installs).isNotEmpty()
                .allSatisfy(line -> assertThat(line).isEqualTo("pip install \"moto[server]==" + supported.group(1) + "\""));
    }

    /** The README lists the image suffixes twice (the diagram and the upload section): ImageFormat's, in order. */
    @Test
    void image_suffixes_should_be_the_ones_the_upload_intake_takes() {
        String readme = String.join("\n", lines);
        Matcher diagram = Pattern.compile("inputs/<name>(\\S+)").matcher(readme);
        assertThat(diagram.find()).as("README's diagram names inputs/<name>.<suffixes>").isTrue();
        assertThat(List.of(diagram.group(1).split("\\|"))).isEqualTo(ImageFormat.allSuffixes());

        Matcher sentence = Pattern.compile("Every ((?:`[^`]+`(?:, | or ))*`[^`]+`) \\(any case\\) under the input prefix")
                .matcher(readme);
        assertThat(sentence.find()).as("README says which uploads become jobs").isTrue();
        List<String> listed = new ArrayList<>();
        Matcher suffix = Pattern.compile("`([^`]+)`").matcher(sentence.group(1));
        while (suffix.find()) {
            listed.add(suffix.group(1));
        }
        assertThat(listed).isEqualTo(ImageFormat.allSuffixes());
    }
}
