"""The update helper: the service-pack overwrite rule of KB Q235978 (:mod:`.overwrite`), a
whole service pack's plan against a system (:mod:`.preflight`), and the compressed files of a
service-pack source (:mod:`.archive`)."""
