{{/* Chart name, overridable. */}}
{{- define "taskboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object-name prefix: the release name when it already holds the chart name (`taskboard`). */}}
{{- define "taskboard.fullname" -}}
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

{{/* Selector labels of one component; never change them between versions (selectors are immutable). */}}
{{- define "taskboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taskboard.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Recommended labels; call with (dict "root" $ "component" "api"). */}}
{{- define "taskboard.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{ include "taskboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: taskboard
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* repository:tag, or repository@digest when a digest pins it. */}}
{{- define "taskboard.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/* The label kube-prometheus-stack's selectors require, when a release is named. */}}
{{- define "taskboard.monitoringLabels" -}}
{{- with .Values.monitoring.kubePrometheusStackRelease }}
release: {{ . }}
{{- end }}
{{- end }}

{{/* Secret names: the existing one, else the one the ExternalSecret writes. */}}
{{- define "taskboard.appSecretName" -}}
{{- default (printf "%s-app" (include "taskboard.fullname" .)) .Values.secrets.app.existingSecret }}
{{- end }}
{{- define "taskboard.migrationSecretName" -}}
{{- default (printf "%s-migration" (include "taskboard.fullname" .)) .Values.secrets.migration.existingSecret }}
{{- end }}

{{/* More than one replica can exist: the condition for a PodDisruptionBudget. */}}
{{- define "taskboard.multiReplica" -}}
{{- if .autoscaling.enabled }}{{ if gt (int .autoscaling.maxReplicas) 1 }}true{{ end }}
{{- else if gt (int .replicaCount) 1 }}true{{ end }}
{{- end }}

{{/* Zone and node spread for one component. */}}
{{- define "taskboard.topologySpread" -}}
{{- $spread := .root.Values.topologySpread }}
{{- if $spread.enabled -}}
topologySpreadConstraints:
{{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
  - maxSkew: {{ $spread.maxSkew }}
    topologyKey: {{ . }}
    whenUnsatisfiable: {{ $spread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "taskboard.selectorLabels" $ | nindent 8 }}
    # Count only the pods of the same ReplicaSet, so a rollout's surge pods spread too.
    matchLabelKeys: [pod-template-hash]
{{- end }}
{{- end }}
{{- end }}
