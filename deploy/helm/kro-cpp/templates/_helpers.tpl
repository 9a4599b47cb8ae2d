{{/* Chart name, at most 63 characters. */}}
{{- define "kro-cpp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, plus the chart name unless the release name holds it. */}}
{{- define "kro-cpp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kro-cpp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kro-cpp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kro-cpp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kro-cpp.labels" -}}
helm.sh/chart: {{ include "kro-cpp.chart" . }}
{{ include "kro-cpp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: controller
app.kubernetes.io/part-of: kro
{{- with .Values.additionalLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "kro-cpp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kro-cpp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* rbac.mode normalised to "aggregation" or "unrestricted"; anything else fails. */}}
{{- define "kro-cpp.rbacMode" -}}
{{- $mode := .Values.rbac.mode | toString }}
{{- if has $mode (list "aggregation" "aggregated") }}aggregation
{{- else if eq $mode "unrestricted" }}unrestricted
{{- else }}
{{- fail (printf "rbac.mode must be aggregation (or aggregated) or unrestricted, not %q" $mode) }}
{{- end }}
{{- end }}

{{/* Name of the ClusterRole bound to the controller. */}}
{{- define "kro-cpp.controllerRoleName" -}}
{{- printf "%s:controller" (include "kro-cpp.fullname" .) }}
{{- end }}

{{/* Namespace of the leader-election Lease. */}}
{{- define "kro-cpp.leaderElectionNamespace" -}}
{{- default .Release.Namespace .Values.config.leaderElectionNamespace }}
{{- end }}

{{/* Port number of a bind address such as ":8079" or "0.0.0.0:8079". */}}
{{- define "kro-cpp.port" -}}
{{- $port := regexFind "[0-9]+$" . }}
{{- if not $port }}{{ fail (printf "cannot find a port in bind address %q" .) }}{{ end }}
{{- $port }}
{{- end }}
