-- Which party usually leads a category's work orders (the office wall's 责任清单:
-- 楼道照明 → 物业): the dispatch form starts from it instead of any organisation.
ALTER TABLE categories ADD COLUMN default_lead_organisation_id BIGINT REFERENCES organisations (id);
