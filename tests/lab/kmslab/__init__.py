"""kmslab: a simulated Windows fleet on loopback that speaks WS-Management, with KMS activation semantics.

It plays Windows hosts (KMS clients) and KMS hosts for the winactivation.kms collection: a WS-Management endpoint
per host that pywinrm and Ansible's winrm connection talk to, a model of each host in the property names Windows
uses, the activation rules Microsoft documents, a DNS server and real TCP listeners for the KMS hosts, and
transport faults. It never runs PowerShell: it recognises the collection's scripts by their marker line and
computes their answers from the model.
"""
